#!/usr/bin/env bash
# Run a set-up command with its output in a log file, so that set-up shows one line
# per stage instead of pages of pip or apt output; on failure show the log's end.
#   usage: tools/logged.sh LOG COMMAND [ARG ...]
set -uo pipefail
log=$1
shift
mkdir -p "$(dirname "$log")"
echo "\$ $*" >>"$log"
"$@" >>"$log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  echo "tiesmap: this step failed (exit $status): $*" >&2
  echo "tiesmap: the last lines of $log:" >&2
  tail -n 25 "$log" | sed 's/^/    /' >&2
fi
exit "$status"
