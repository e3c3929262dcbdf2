#!/usr/bin/env bash
# Install the Debian packages cjji needs. Idempotent: installs only what is missing, and does
# nothing (quickly) when everything is there. `--test` adds the packages only the tests need.
set -euo pipefail

packages=(hunspell hunspell-en-gb poppler-utils openssh-client fonts-liberation)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium fonts-dejavu-core)
  # shellcheck disable=SC2207  # WordPress, MariaDB and PHP for tests/wordpress/
  packages+=($(bash "$(dirname "$0")/setup-wordpress.sh" --list))
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup: not root and no sudo; install these packages yourself: ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
