#!/usr/bin/env bash
# Make sure pdflatex and latexmk exist; install Debian's TeX Live packages when
# they do not and we are allowed to. Prints what to do when we cannot.
# apt's output goes to $TIESMAP_SETUP_LOG (default .venv/setup.log).
set -euo pipefail
log=${TIESMAP_SETUP_LOG:-.venv/setup.log}
if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1 \
   && kpsewhich booktabs.sty >/dev/null 2>&1; then
  echo "tiesmap: TeX: pdflatex, latexmk and booktabs found"
  exit 0
fi
pkgs="texlive-latex-base texlive-latex-recommended texlive-fonts-recommended latexmk poppler-utils"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "tiesmap: TeX Live and latexmk are missing and this is not a Debian/Ubuntu system." >&2
  echo "         Install a TeX distribution with pdflatex, latexmk and booktabs, then rerun." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "tiesmap: TeX Live and latexmk are missing and installing them needs root." >&2
    echo "         Run: sudo apt-get install -y --no-install-recommends $pkgs" >&2
    exit 1
  fi
fi
echo "tiesmap: TeX: installing TeX Live from the distribution's packages (a few minutes; log $log): $pkgs"
here=$(dirname "$0")
bash "$here/logged.sh" "$log" $sudo apt-get update -qq
bash "$here/logged.sh" "$log" $sudo env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends $pkgs
