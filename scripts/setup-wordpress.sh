#!/usr/bin/env bash
# Install the Debian packages the WordPress integration tests need (tests/wordpress/): WordPress
# itself (/usr/share/wordpress), MariaDB and PHP's command-line interpreter, whose built-in web
# server the tests run on loopback. Idempotent: does nothing (quickly) when all are installed.
# Called by `scripts/setup-system.sh --test`; `--list` prints the package names and exits.
#
# Debian's `wordpress` package depends on a web server, so apt also installs apache2 (and
# mariadb-server its service). The tests use neither service: they start their own MariaDB and
# `php -S` on private ports and directories, so whether the services run does not matter.
set -euo pipefail

packages=(wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring)
if [[ "${1:-}" == "--list" ]]; then
  echo "${packages[*]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup-wordpress: installing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup-wordpress: not root and no sudo; install these packages yourself: ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
apt=($SUDO apt-get -o DPkg::Lock::Timeout=600 -y -qq)
"${apt[@]}" update
"${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
