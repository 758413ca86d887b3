#!/usr/bin/env bash
# A throw-away single-node SLURM cluster on this machine, for tests/e2e/test_slurm.py and
# for trying profiles/slurm before using a real cluster.
#
#   tools/slurm_cluster.sh start    install packages if missing, write slurm.conf,
#                                   start munged, slurmctld and slurmd, wait until idle
#   tools/slurm_cluster.sh stop     stop the daemons this script started (pid files)
#                                   and remove the slurm.conf it wrote
#   tools/slurm_cluster.sh status   sinfo and the daemons' pids
#   tools/slurm_cluster.sh logs     tail of the slurmctld, slurmd and munged logs
#
# Needs root on Debian/Ubuntu (apt-get) and no systemd: the daemons are started by
# hand. `start` is idempotent: running daemons are kept unless slurm.conf changed.
# It refuses to overwrite a slurm.conf it did not write (set SLURM_CLUSTER_FORCE=1).
# Settings (environment): SLURM_CLUSTER_TIMEOUT (seconds to wait for an idle node, 60).
set -euo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARKER="# Written by tiesmap tools/slurm_cluster.sh"
LOG_DIR=/var/log/slurm
STATE_DIR=/run/tiesmap-slurm # records which daemons this script started
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
MUNGE_LOG=/var/log/munge/munged.log
TIMEOUT="${SLURM_CLUSTER_TIMEOUT:-60}"
PACKAGES=(slurmctld slurmd slurm-client munge)

say() { echo "slurm_cluster: $*"; }
die() {
  echo "slurm_cluster: ERROR: $*" >&2
  exit 1
}

# Is the process in pid file $1 alive and running program $2?
alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid=$(<"$1")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  grep -q "$2" "/proc/$pid/comm" 2>/dev/null
}

require_root_debian() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, starts daemons)"
  command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian/Ubuntu only"
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts try to start the services; without systemd that is refused
  # (policy-rc.d) or fails harmlessly: we start the daemons ourselves below.
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/slurm_cluster_apt.log 2>&1; then
    apt-get update -q >>/tmp/slurm_cluster_apt.log 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/slurm_cluster_apt.log 2>&1 ||
      {
        tail -20 /tmp/slurm_cluster_apt.log >&2
        die "apt-get install ${missing[*]} failed (log: /tmp/slurm_cluster_apt.log)"
      }
  fi
}

ensure_hostname_resolves() {
  local host
  host=$(hostname -s)
  if ! getent hosts "$host" >/dev/null; then
    say "adding '127.0.1.1 $host' to /etc/hosts (slurmd must resolve its own name)"
    echo "127.0.1.1 $host" >>/etc/hosts
  fi
}

start_munge() {
  if alive "$MUNGE_PID" munged; then
    return 0
  fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge
  [[ -d /var/log/munge ]] || install -d -o munge -g munge -m 0700 /var/log/munge
  [[ -d /var/lib/munge ]] || install -d -o munge -g munge -m 0711 /var/lib/munge
  rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock "$MUNGE_PID"
  su -s /bin/sh munge -c "/usr/sbin/munged --pid-file=$MUNGE_PID --log-file=$MUNGE_LOG" ||
    die "munged did not start; see $MUNGE_LOG"
  touch "$STATE_DIR/munged"
  for _ in $(seq 50); do
    munge -n </dev/null | unmunge >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "munge does not answer (munge -n | unmunge); see $MUNGE_LOG"
}

write_conf() {
  local host cpus mem_kb mem_mb real_mb tmp
  host=$(hostname -s)
  cpus=$(nproc)
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  mem_mb=$((mem_kb / 1024))
  # A bit under MemTotal: slurmd drains a node that reports less than RealMemory.
  real_mb=$((mem_mb - mem_mb / 20 - 256))
  tmp=$(mktemp)
  cat >"$tmp" <<EOF
$MARKER for host '$host'; do not edit, rerun the script.
ClusterName=tiesmap
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
# Finished jobs stay visible to squeue for 15 minutes: the Snakemake plugin's status
# checks via squeue need MinJobAge >= 3 x its initial check interval (and a job
# purged before its last check would never be seen to finish).
MinJobAge=900
ReturnToService=2
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
Waittime=0
# Without a default, a job without --mem takes the whole node's memory.
DefMemPerCPU=1000
NodeName=$host CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  CONF_CHANGED=0
  if [[ -f "$CONF" ]] && cmp -s "$tmp" "$CONF"; then
    rm -f "$tmp"
    return 0
  fi
  if [[ -f "$CONF" ]] && ! grep -qF "$MARKER" "$CONF" && [[ "${SLURM_CLUSTER_FORCE:-0}" != 1 ]]; then
    rm -f "$tmp"
    die "$CONF exists and was not written by this script; not overwriting it (SLURM_CLUSTER_FORCE=1 to override)"
  fi
  install -d "$CONF_DIR"
  if [[ -f "$CONF" ]] && ! grep -qF "$MARKER" "$CONF"; then
    cp "$CONF" "$CONF.orig.$(date +%s)"
  fi
  install -m 0644 "$tmp" "$CONF"
  rm -f "$tmp"
  CONF_CHANGED=1
  say "wrote $CONF (node $host, CPUs=$cpus, RealMemory=${real_mb} MB)"
}

stop_daemon() { # pid file, program name, state flag
  local pid
  if alive "$1" "$2"; then
    pid=$(<"$1")
    if [[ -e "$STATE_DIR/$3" ]] || [[ "${4:-}" == force ]]; then
      say "stopping $2 (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        say "$2 (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    else
      say "leaving $2 (pid $pid) running: it was not started by this script"
    fi
  fi
  rm -f "$STATE_DIR/$3"
}

node_state() {
  sinfo --noheader --nodes="$(hostname -s)" --format=%T 2>/dev/null | head -1 | tr -d '*~#!%$@^-' || true
}

show_logs() {
  local f
  for f in "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" "$MUNGE_LOG"; do
    [[ -f "$f" ]] || continue
    echo "----- tail of $f"
    # munged logs one harmless "Unauthorized credential for client UID=0" per job.
    grep -v -e "Unauthorized credential" -e "pmix" -e "MPI: Cannot create context" "$f" | tail -n "${1:-25}"
  done
}

cmd_start() {
  local t0 state
  t0=$(date +%s.%N)
  require_root_debian
  install_packages
  ensure_hostname_resolves
  install -d -m 0755 "$STATE_DIR" "$LOG_DIR" /var/spool/slurmctld /var/spool/slurmd
  write_conf
  start_munge
  if [[ $CONF_CHANGED == 1 ]]; then
    # A new configuration: restart what runs (slurmctld and slurmd must agree).
    stop_daemon "$SLURMD_PID" slurmd slurmd force
    stop_daemon "$CTLD_PID" slurmctld slurmctld force
  fi
  if ! alive "$CTLD_PID" slurmctld; then
    rm -f "$CTLD_PID"
    # -c: a clean start, without jobs or node states left by an earlier run.
    slurmctld -c || die "slurmctld did not start; $(show_logs 20)"
    touch "$STATE_DIR/slurmctld"
  fi
  if ! alive "$SLURMD_PID" slurmd; then
    rm -f "$SLURMD_PID"
    slurmd || die "slurmd did not start; $(show_logs 20)"
    touch "$STATE_DIR/slurmd"
  fi
  local deadline=$(($(date +%s) + TIMEOUT)) resumed=0
  while :; do
    state=$(node_state)
    case "$state" in
    idle | mixed | allocated | completing) break ;;
    down | drained | draining | drain)
      if [[ $resumed == 0 ]]; then
        say "node is $state; resuming it"
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        resumed=1
      fi
      ;;
    esac
    if (($(date +%s) > deadline)); then
      sinfo -N -l >&2 || true
      scontrol show node "$(hostname -s)" >&2 || true
      show_logs 40 >&2
      die "node '$(hostname -s)' not idle after ${TIMEOUT}s (state: '${state:-sinfo failed}')"
    fi
    sleep 0.5
  done
  say "node $(hostname -s) is $state; cluster ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
}

cmd_stop() {
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  stop_daemon "$SLURMD_PID" slurmd slurmd
  stop_daemon "$CTLD_PID" slurmctld slurmctld
  stop_daemon "$MUNGE_PID" munged munged
  # Without a controller, Slurm's clients wait ~10 s for it on every call, and
  # snakemake's SLURM plugin calls `scontrol show config` each time Snakemake
  # starts (even for local runs). So a stopped throw-away cluster leaves no
  # slurm.conf of ours behind: clients then fail at once. `start` rewrites it.
  if [[ -f "$CONF" ]] && grep -qF "$MARKER" "$CONF"; then
    rm -f "$CONF"
    say "removed $CONF"
  fi
  say "stopped"
}

cmd_status() {
  for d in "$CTLD_PID:slurmctld" "$SLURMD_PID:slurmd" "$MUNGE_PID:munged"; do
    if alive "${d%%:*}" "${d##*:}"; then
      echo "${d##*:}: running (pid $(<"${d%%:*}"))"
    else
      echo "${d##*:}: not running"
    fi
  done
  sinfo -N -l 2>/dev/null || true
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
logs) show_logs "${2:-40}" ;;
*)
  echo "usage: $0 start|stop|status|logs [lines]" >&2
  exit 2
  ;;
esac
