#!/usr/bin/env bash
# Build the project the way a new user would, on a fresh minimal Debian root.
#
# A root made by debootstrap from Debian's package archive gets only python3,
# python3-venv, make, git and ca-certificates. The project (its committed HEAD)
# is cloned into it with ../shared beside the clone, and `make` runs there under
# chroot with an empty environment, so none of this host's pip settings, caches,
# wheels or TeX reach it. The project's own `make` installs TeX Live as it does
# on any machine. Passes when results/paper.pdf is a PDF.
#
#   SUITE=bookworm|trixie  Debian release (default bookworm: Python 3.11.2; trixie: 3.13)
#   FRESH_ROOT=DIR         where the root goes (default /var/tmp/tiesmap-fresh-$SUITE)
#   MIRROR=URL             Debian mirror for debootstrap (default: debootstrap's own)
#   FRESH_TEST=ARGS        after `make`, run `make test PYTEST_ARGS=ARGS` in the root
#                          (default tests/core/test_install.py; "all" for the whole suite,
#                          "none" to skip)
#   REFRESH=1              rebuild the cached base root even if it exists
#   FRESH_CA="FILE ..."    extra CA certificates the root must trust to reach PyPI, for a
#                          network that re-signs TLS (default: this host's local CAs in
#                          /usr/local/share/ca-certificates, if any; "none" for none)
#   KEEP=1                 leave the built root in place for inspection (default:
#                          removed on success; the base tarball is always kept)
set -euo pipefail

SUITE=${SUITE:-bookworm}
ROOT=${FRESH_ROOT:-/var/tmp/tiesmap-fresh-$SUITE}
BASE=$ROOT.base.tar
MIRROR=${MIRROR:-}
FRESH_TEST=${FRESH_TEST:-tests/core/test_install.py}
REPO=$(git rev-parse --show-toplevel)
SHARED=${TIESMAP_SHARED:-$REPO/../shared}
WORK=/root/work
PATH_IN_ROOT=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PACKAGES="python3 python3-venv make git ca-certificates"
FRESH_CA=${FRESH_CA:-$(ls /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)}
[ "$FRESH_CA" = none ] && FRESH_CA=""

say() { echo "check-fresh[$SUITE]: $*"; }
die() {
  echo "check-fresh[$SUITE]: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mount)."
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
[ -d "$SHARED/data" ] || die "no shared data at $SHARED (set TIESMAP_SHARED)."
case "$ROOT" in
  /var/tmp/* | /tmp/* | /srv/* | /mnt/*) ;;
  *) die "FRESH_ROOT must lie under /var/tmp, /tmp, /srv or /mnt (got $ROOT)." ;;
esac
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not part of the check (it clones HEAD)."
fi

# Unmount everything below a root, deepest first; never follow into the host.
unmount_all() {
  local dir=$1 m
  [ -d "$dir" ] || return 0
  for m in $(findmnt -rn -o TARGET | grep -E "^$dir(/|$)" | sort -r); do
    umount -l "$m" || true
  done
}

remove_root() {
  local dir=$1
  unmount_all "$dir"
  if findmnt -rn -o TARGET | grep -qE "^$dir(/|$)"; then
    die "$dir still has mounts; not removing it."
  fi
  rm -rf --one-file-system "$dir"
}

# The environment inside the root: a minimal PATH, HOME and locale. Only where this
# network re-signs TLS does pip get pointed at the system bundle holding that CA.
in_root() {
  local ca=()
  [ -n "$FRESH_CA" ] && ca=(REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt)
  env -i PATH=$PATH_IN_ROOT HOME=/root LANG=C.UTF-8 TERM=dumb \
    DEBIAN_FRONTEND=noninteractive "${ca[@]}" chroot "$ROOT" /bin/bash -c "$1"
}

trust_local_ca() {
  [ -n "$FRESH_CA" ] || return 0
  mkdir -p "$ROOT/usr/local/share/ca-certificates"
  # shellcheck disable=SC2086  # a list of files
  cp $FRESH_CA "$ROOT/usr/local/share/ca-certificates/"
  in_root "update-ca-certificates >/dev/null 2>&1"
  say "root trusts this network's local CA: $(echo $FRESH_CA | xargs -n1 basename | tr '\n' ' ')"
}

mount_root() {
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mount -t proc proc "$ROOT/proc"
  mount --rbind /dev "$ROOT/dev"
  mount --make-rslave "$ROOT/dev"
  mount -t sysfs sysfs "$ROOT/sys"
}

trap 'unmount_all "$ROOT"' EXIT

# 1. The base root: debootstrap plus the four packages a user installs. Cached as
#    a tarball so that later runs start from the same fresh state in seconds.
if [ ! -f "$BASE" ] || [ "${REFRESH:-0}" = 1 ]; then
  say "debootstrap $SUITE into $ROOT (minbase) ..."
  start=$(date +%s)
  remove_root "$ROOT"
  # shellcheck disable=SC2086  # MIRROR is empty or one URL
  debootstrap --variant=minbase "$SUITE" "$ROOT" $MIRROR >"$ROOT.debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $ROOT.debootstrap.log"
  mount_root
  in_root "apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES && apt-get clean" \
    >>"$ROOT.debootstrap.log" 2>&1 || die "installing $PACKAGES failed; see $ROOT.debootstrap.log"
  unmount_all "$ROOT"
  tar -C "$ROOT" -cf "$BASE.tmp" . && mv "$BASE.tmp" "$BASE"
  say "base root ready in $(($(date +%s) - start)) s ($BASE)"
fi

# 2. A fresh root from the base, the project cloned into it, ../shared beside it.
remove_root "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE"
mount_root
trust_local_ca
git clone --quiet "$REPO" "$ROOT$WORK/tiesmap"
cp -a "$SHARED" "$ROOT$WORK/shared"
chmod -R a-w "$ROOT$WORK/shared"
say "$(in_root 'python3 --version') on Debian $(cat "$ROOT/etc/debian_version"); HEAD $(git -C "$REPO" rev-parse --short HEAD)"

# 3. `make`, as a user would type it, with nothing from this host's environment.
log=$ROOT.make.log
say "make (log: $log) ..."
start=$(date +%s)
status=0
in_root "cd $WORK/tiesmap && make" >"$log" 2>&1 || status=$?
make_seconds=$(($(date +%s) - start))
if [ "$status" -ne 0 ]; then
  tail -n 30 "$log" >&2
  die "make failed (exit $status) after $make_seconds s; full log in $log"
fi
pdf=$ROOT$WORK/tiesmap/results/paper.pdf
[ -s "$pdf" ] || die "make succeeded but results/paper.pdf is missing"
[ "$(head -c 5 "$pdf")" = "%PDF-" ] || die "results/paper.pdf is not a PDF"
pages=$(in_root "pdfinfo $WORK/tiesmap/results/paper.pdf" | awk '/^Pages:/ {print $2}')
say "make passed in $make_seconds s: results/paper.pdf, $pages pages, $(stat -c %s "$pdf") bytes"

# 4. Optionally `make test` in the same root (setup and TeX are already there).
if [ "$FRESH_TEST" != none ]; then
  args=$FRESH_TEST
  [ "$args" = all ] && args=""
  tlog=$ROOT.test.log
  start=$(date +%s)
  status=0
  in_root "cd $WORK/tiesmap && make test PYTEST_ARGS='$args'" >"$tlog" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 30 "$tlog" >&2
    die "make test failed (exit $status); full log in $tlog"
  fi
  say "make test ${args:-(all)} passed in $(($(date +%s) - start)) s: $(tail -n 1 "$tlog")"
fi

unmount_all "$ROOT"
if [ "${KEEP:-0}" != 1 ]; then
  remove_root "$ROOT"
fi
say "passed on a fresh $SUITE root: make ${make_seconds} s, whole check ${SECONDS} s"
