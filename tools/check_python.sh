#!/usr/bin/env bash
# Before any venv is made: is this Python in the supported range, and can it make
# a venv with pip? One clear line instead of a pip resolver dump later on.
#   usage: tools/check_python.sh [PYTHON]   (default python3; the range comes from
#          requires-python in pyproject.toml, e.g. ">=3.11.2,<3.14")
set -euo pipefail
PYTHON=${1:-python3}
here=$(cd "$(dirname "$0")/.." && pwd)
spec=$(sed -n 's/^requires-python *= *"\(.*\)"/\1/p' "$here/pyproject.toml")
floor=$(echo "$spec" | sed -n 's/.*>=\([0-9.]*\).*/\1/p')
cap=$(echo "$spec" | sed -n 's/.*<\([0-9.]*\).*/\1/p')
if [ -z "$floor" ] || [ -z "$cap" ]; then
  echo "tiesmap: cannot read requires-python (\">=X.Y.Z,<X.Y\") from pyproject.toml" >&2
  exit 1
fi
last="${cap%.*}.$((${cap#*.} - 1))" # "<3.14" -> 3.13

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "tiesmap: no $PYTHON found; tiesmap needs Python $floor to $last (Debian/Ubuntu: sudo apt-get install python3 python3-venv; or make PYTHON=/path/to/python3)" >&2
  exit 1
fi
found=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || found=unknown

# Is version $1 lower than version $2?
older() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; }

if [ "$found" = unknown ] || older "$found" "$floor"; then
  echo "tiesmap: $PYTHON is Python $found, but tiesmap needs Python >= $floor (supported: $floor to $last); install a newer python3 or run make PYTHON=/path/to/python3.X" >&2
  exit 1
fi
if ! older "$found" "$cap"; then
  echo "tiesmap: $PYTHON is Python $found, but tiesmap supports Python $floor to $last (requires-python $spec); run make PYTHON=/path/to/python3.X" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  minor=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  echo "tiesmap: Python $found cannot make a virtual environment with pip (no ensurepip); install the python3-venv package (Debian/Ubuntu: sudo apt-get install python3-venv, or python$minor-venv), then rerun make" >&2
  exit 1
fi
