#!/usr/bin/env bash
# Install the Debian packages cjji needs. Idempotent: installs only what is missing, and does
# nothing (quickly) when everything is there. `--test` adds the packages only the tests need.
set -euo pipefail

# hunspell + en_GB: the spelling gate; poppler-utils: looking at PDFs; openssh-client: ssh-keygen
# for sign-offs; fonts-liberation: the brand's fonts in Word and PDF.
packages=(hunspell hunspell-en-gb poppler-utils openssh-client fonts-liberation)
# Debian's own python3 needs python3-venv for the Makefile's virtual environment.
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv)
if [[ "${1:-}" == "--test" ]]; then
  # Chromium: the accessibility (axe-core) and script-injection tests in a real browser.
  packages+=(chromium fonts-dejavu-core)
  # LibreOffice Writer: tests/review/ check what it writes when it saves a returned review copy.
  packages+=(libreoffice-writer)
  # LibreOffice Writer: the tests render the Word file to check its contents and table widths.
  packages+=(libreoffice-writer)
  # tests/wordpress/: WordPress (/usr/share/wordpress), MariaDB and PHP's built-in web server, all
  # started by the tests on loopback. Debian's wordpress package pulls in apache2 and
  # mariadb-server's service; the tests use neither, so whether they run does not matter.
  packages+=(wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring)
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
apt=($SUDO apt-get -o DPkg::Lock::Timeout=600 -y -qq)
"${apt[@]}" update
"${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
