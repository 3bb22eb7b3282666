#!/usr/bin/env bash
# Installs what the tests need beyond Rust, on a fresh Debian machine:
# LibreOffice (recalculates budget.xlsx and converts the outputs to PDF),
# poppler-utils (pdftotext, pdftoppm), fonts, and the Python packages that
# read the outputs back (openpyxl, python-docx), and Chromium (renders
# rapport.html headless: DOM, screenshots, print to PDF). Safe to run again.
set -euo pipefail
need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc libreoffice-writer)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
# Metric-compatible Arial/Times, so pages break in LibreOffice as they do in Word.
[ -d /usr/share/fonts/truetype/liberation ] || need_apt+=(fonts-liberation)
command -v bc >/dev/null 2>&1 || need_apt+=(bc)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
python3 -c 'import openpyxl, docx, openxml_audit' 2>/dev/null ||
  python3 -m pip install -q --disable-pip-version-check openpyxl python-docx openxml-audit
