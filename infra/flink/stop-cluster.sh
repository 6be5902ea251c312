#!/usr/bin/env bash
# Stops the standalone cluster started by start-cluster.sh: TaskManagers first, then the
# JobManager (SIGTERM, then SIGKILL after CX_FLINK_STOP_TIMEOUT seconds, default 30). Running jobs
# are not stopped with a savepoint: do that first with flink.sh stop --savepointPath ... <job id>.
set -euo pipefail
source "$(dirname "$0")/common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --home) CX_FLINK_HOME=$2; shift 2 ;;
    -h|--help) echo "Usage: infra/flink/stop-cluster.sh [--home DIR]  (env CX_FLINK_HOME; default ${TMPDIR:-/tmp}/cx-flink)"; exit 0 ;;
    *) cx_flink_die "unknown option $1" ;;
  esac
done

stop() {
  local name=$1 pid
  if pid=$(cx_flink_pid "$name"); then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + ${CX_FLINK_STOP_TIMEOUT:-30}))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      echo "cx-flink: killed $name (pid $pid) after ${CX_FLINK_STOP_TIMEOUT:-30} s"
    else
      echo "cx-flink: stopped $name (pid $pid)"
    fi
  fi
  rm -f "$CX_FLINK_HOME/$name.pid"
}

shopt -s nullglob
for f in "$CX_FLINK_HOME"/taskmanager-*.pid; do
  stop "$(basename "$f" .pid)"
done
stop jobmanager
if [ -f "$CX_FLINK_HOME/watchdog.pid" ]; then
  watchdog=$(cat "$CX_FLINK_HOME/watchdog.pid")
  rm -f "$CX_FLINK_HOME/watchdog.pid"
  if [ "$watchdog" != "$PPID" ] && [ -r "/proc/$watchdog/cmdline" ] && tr '\0' ' ' <"/proc/$watchdog/cmdline" | grep -q cx-flink-watchdog; then
    kill "$watchdog" 2>/dev/null || true
  fi
fi
