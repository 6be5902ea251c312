#!/usr/bin/env bash
# Starts a standalone Flink session cluster on this machine: one JobManager
# (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner), each a java process
# on the Flink jars Maven provides, with memory settings computed by Flink's BashJavaUtils as
# flink-dist's jobmanager.sh and taskmanager.sh do. Every listener is on --bind-address (127.0.0.1).
# Submit jobs with flink.sh, stop the cluster with stop-cluster.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"

usage() {
  cat <<USAGE
Usage: infra/flink/start-cluster.sh [options] [-D key=value ...]
  --home DIR            cluster directory: conf, logs, pids, state (env CX_FLINK_HOME; default ${TMPDIR:-/tmp}/cx-flink)
  --bind-address ADDR   address every listener binds to (default 127.0.0.1; 0.0.0.0 opens the cluster to the network)
  --address HOST        address the processes advertise and the CLI connects to (default: the bind address,
                        or this host's name when binding 0.0.0.0)
  --rest-port PORT      REST API and web UI (default 8081)
  --rpc-port PORT       JobManager RPC (default 6123); the other ports are picked by the OS
  --metrics-port PORT   JobManager's Prometheus endpoint (default 9249); the TaskManagers take the first free
                        ports of metrics.reporter.prom.port (config.yaml: 9250-9259)
  --taskmanagers N      TaskManager processes (default 1), each with taskmanager.numberOfTaskSlots slots
  --state-dir DIR       checkpoints and savepoints (default \$home/state)
  --stop-when-gone PID  stop the cluster when process PID ends (tests: no process outlives its owner)
  -D key=value          any Flink option (e.g. -D taskmanager.memory.process.size=4g)
USAGE
}

bind=127.0.0.1 address="" rest_port=8081 rpc_port=6123 metrics_port=9249 taskmanagers=1 state_dir="" watch_pid=""
overrides=()
while [ $# -gt 0 ]; do
  case "$1" in
    --home) CX_FLINK_HOME=$2; shift 2 ;;
    --bind-address) bind=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --rest-port) rest_port=$2; shift 2 ;;
    --rpc-port) rpc_port=$2; shift 2 ;;
    --metrics-port) metrics_port=$2; shift 2 ;;
    --taskmanagers) taskmanagers=$2; shift 2 ;;
    --state-dir) state_dir=$2; shift 2 ;;
    --stop-when-gone) watch_pid=$2; shift 2 ;;
    -D) overrides+=(-D "$2"); shift 2 ;;
    -D*) overrides+=(-D "${1#-D}"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; cx_flink_die "unknown option $1" ;;
  esac
done
[[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || cx_flink_die "--taskmanagers must be a positive number, got '$taskmanagers'"
if [ -z "$address" ]; then
  if [ "$bind" = 0.0.0.0 ] || [ "$bind" = "::" ]; then address=$(hostname -f); else address=$bind; fi
fi
mkdir -p "$CX_FLINK_HOME"
CX_FLINK_HOME=$(cd "$CX_FLINK_HOME" && pwd)
state_dir=${state_dir:-$CX_FLINK_HOME/state}
mkdir -p "$state_dir" && state_dir=$(cd "$state_dir" && pwd)

if pid=$(cx_flink_pid jobmanager); then
  cx_flink_die "a cluster already runs in $CX_FLINK_HOME (JobManager pid $pid); stop it with stop-cluster.sh --home $CX_FLINK_HOME"
fi

mkdir -p "$CX_FLINK_HOME"/{conf,log,tmp,work}
cp "$CX_FLINK_DIR/config.yaml" "$CX_FLINK_DIR/log4j.properties" "$CX_FLINK_DIR/log4j-cli.properties" "$CX_FLINK_HOME/conf/"

# The effective configuration: config.yaml with this cluster's addresses, ports and directories
# (and the -D options) applied by Flink's own loader, flattened so that scripts can read it.
effective=$(cx_flink_bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION -flatten \
  -D "jobmanager.bind-host=$bind" -D "taskmanager.bind-host=$bind" -D "rest.bind-address=$bind" \
  -D "metrics.reporter.prom.host=$bind" \
  -D "jobmanager.rpc.address=$address" -D "taskmanager.host=$address" -D "rest.address=$address" \
  -D "rest.port=$rest_port" -D "jobmanager.rpc.port=$rpc_port" \
  -D "execution.checkpointing.dir=file://$state_dir/checkpoints" \
  -D "execution.checkpointing.savepoint-dir=file://$state_dir/savepoints" \
  -D "io.tmp.dirs=$CX_FLINK_HOME/tmp" -D "process.working-dir=$CX_FLINK_HOME/work" \
  -D "env.log.dir=$CX_FLINK_HOME/log" "${overrides[@]}")
echo "$effective" >"$CX_FLINK_HOME/conf/config.yaml"
read -r -a java_opts <<<"$(cx_flink_conf env.java.opts.all)"
classpath=$(cx_flink_lib)

# start NAME CLASS BASH_JAVA_UTILS_COMMAND [-D key=value ...]: a Flink process in the background,
# its pid in NAME.pid; the -D options apply to this process only.
start() {
  local name=$1 class=$2 resources params jvm_params dynamic
  resources=$3
  shift 3
  params=$(cx_flink_bash_java_utils "$resources")
  [ "$(echo "$params" | wc -l)" -eq 2 ] || cx_flink_die "unexpected BashJavaUtils $resources output: $params"
  read -r -a jvm_params <<<"$(echo "$params" | head -n 1)"
  read -r -a dynamic <<<"$(echo "$params" | tail -n 1)"
  # shellcheck disable=SC2046
  nohup "$JAVA_RUN" "${jvm_params[@]}" "${java_opts[@]}" $(cx_flink_log_settings "$name" log4j.properties) \
    -classpath "$classpath" "$class" --configDir "$CX_FLINK_HOME/conf" "${dynamic[@]}" "$@" \
    >"$CX_FLINK_HOME/log/$name.out" 2>&1 </dev/null &
  echo $! >"$CX_FLINK_HOME/$name.pid"
  echo "cx-flink: started $name (pid $!), log $CX_FLINK_HOME/log/$name.log"
}

start jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS \
  -D "metrics.reporter.prom.port=$metrics_port"
for i in $(seq 1 "$taskmanagers"); do
  start "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
done

if [ -n "$watch_pid" ]; then
  nohup bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$2/jobmanager.pid" ]; do sleep 1; done
                 [ -f "$2/jobmanager.pid" ] && "$3/stop-cluster.sh" --home "$2"' \
    cx-flink-watchdog "$watch_pid" "$CX_FLINK_HOME" "$CX_FLINK_DIR" >/dev/null 2>&1 </dev/null &
  echo $! >"$CX_FLINK_HOME/watchdog.pid"
fi

# Ready when the REST API answers and every TaskManager has registered.
deadline=$((SECONDS + ${CX_FLINK_START_TIMEOUT:-240}))
until cx_flink_rest_get /overview 2>/dev/null | grep -q "\"taskmanagers\":$taskmanagers[,}]"; do
  for f in "$CX_FLINK_HOME"/*.pid; do
    name=$(basename "$f" .pid)
    if [ "$name" != watchdog ] && ! cx_flink_pid "$name" >/dev/null; then
      tail -n 40 "$CX_FLINK_HOME/log/$name.out" "$CX_FLINK_HOME/log/$name.log" >&2 || true
      "$CX_FLINK_DIR/stop-cluster.sh" --home "$CX_FLINK_HOME" >&2
      cx_flink_die "$name ended during start-up (logs above, in $CX_FLINK_HOME/log)"
    fi
  done
  if [ $SECONDS -ge $deadline ]; then
    "$CX_FLINK_DIR/stop-cluster.sh" --home "$CX_FLINK_HOME" >&2
    cx_flink_die "the cluster did not come up within ${CX_FLINK_START_TIMEOUT:-240} s (logs in $CX_FLINK_HOME/log)"
  fi
  sleep 1
done
echo "cx-flink: cluster up: REST API and web UI http://$address:$rest_port (bound to $bind), JobManager RPC $address:$rpc_port, $taskmanagers TaskManager(s)"
echo "cx-flink: Prometheus metrics http://$address:$metrics_port/metrics (JobManager), TaskManagers on the first free ports of $(cx_flink_conf metrics.reporter.prom.port)"
echo "cx-flink: state $state_dir, logs $CX_FLINK_HOME/log; submit with infra/flink/flink.sh run -d -c <job class> <job jar> [job options]"
