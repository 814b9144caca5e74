#!/usr/bin/env bash
# Install the Debian packages Concordat's PDFs, its tests and its demo need, where they are missing:
# chromium (browser tests), poppler-utils (the tests read PDFs with pdftotext and pdfinfo), the PDF
# renderer's libraries and fonts, python3-venv. tests/prerequisites.py checks the same programs before a
# test run. Safe to re-run: does nothing (and needs no root) when everything is there.
set -euo pipefail
python=${PYTHON:-python3}
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
{ command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 || need+=(poppler-utils)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# Debian's own python3 makes virtual environments only with python3-venv (ensurepip).
"$python" -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo -n"  # never wait for a password prompt (CI has no stdin)
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
