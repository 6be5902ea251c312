#!/usr/bin/env bash
# Shared by start-cluster.sh, stop-cluster.sh and flink.sh (sourced, not run): where the cluster
# lives and the Flink jars it runs on.
#
# CX_FLINK_HOME  the cluster's directory: conf/ (the effective config.yaml), log/, pids, state/
#                (checkpoints and savepoints), tmp/. Default: ${TMPDIR:-/tmp}/cx-flink.
# CX_FLINK_LIB   the Flink jars. Default: infra/flink/target/lib, built by Maven from
#                infra/flink/pom.xml when missing (CX_MAVEN_ARGS, e.g. -o, go to that Maven call).

CX_FLINK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CX_FLINK_HOME="${CX_FLINK_HOME:-${TMPDIR:-/tmp}/cx-flink}"
CX_FLINK_LIB="${CX_FLINK_LIB:-$CX_FLINK_DIR/target/lib}"
JAVA_RUN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

cx_flink_die() {
  echo "cx-flink: $*" >&2
  exit 1
}

# The Flink jars: what flink-dist's lib/ would hold, resolved by Maven (there is no Flink tarball).
cx_flink_lib() {
  if ! compgen -G "$CX_FLINK_LIB/flink-runtime-*.jar" >/dev/null || ! compgen -G "$CX_FLINK_LIB/cx-flink-dist-*.jar" >/dev/null; then
    echo "cx-flink: getting the Flink jars with Maven into $CX_FLINK_LIB ..." >&2
    # shellcheck disable=SC2086
    mvn -q -B -ntp ${CX_MAVEN_ARGS:-} -f "$CX_FLINK_DIR/pom.xml" package >&2 \
      || cx_flink_die "Maven could not resolve the Flink jars (see above)"
  fi
  echo "$CX_FLINK_LIB/*"
}

# Runs Flink's BashJavaUtils as flink-dist's bin/config.sh does and prints its result lines.
cx_flink_bash_java_utils() {
  local cmd=$1
  shift
  local out
  out=$("$JAVA_RUN" -classpath "$(cx_flink_lib)" org.apache.flink.runtime.util.bash.BashJavaUtils "$cmd" \
    --configDir "$CX_FLINK_HOME/conf" "$@" 2>&1) || { echo "$out" >&2; cx_flink_die "BashJavaUtils $cmd failed"; }
  echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# The value of a key of the effective (flattened) configuration, without YAML quotes.
cx_flink_conf() {
  sed -n "s/^$1: //p" "$CX_FLINK_HOME/conf/config.yaml" | tail -n 1 | sed "s/^'\(.*\)'$/\1/"
}

cx_flink_log_settings() {
  local name=$1 log4j=$2
  echo "-Dlog.file=$CX_FLINK_HOME/log/$name.log -Dlog4j.configurationFile=file:$CX_FLINK_HOME/conf/$log4j"
}

# PID of a process this cluster started (by its pid file), if it still runs that entry point.
cx_flink_pid() {
  local file="$CX_FLINK_HOME/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CX_FLINK_HOME/conf" || return 1
  echo "$pid"
}

# GET on the cluster's REST API with bash only (no curl on a fresh machine); prints the body.
cx_flink_rest_get() (
  host=$(cx_flink_conf rest.address)
  port=$(cx_flink_conf rest.port)
  exec 3<>"/dev/tcp/$host/$port" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$host" >&3
  timeout 10 sed '1,/^\r$/d' <&3
)
