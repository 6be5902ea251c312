#!/usr/bin/env bash
# The Flink command-line client (bin/flink of a Flink distribution) for the cluster started by
# start-cluster.sh: it reads that cluster's configuration (REST address and port) from
# $CX_FLINK_HOME/conf (or --home DIR, given first). Examples (see the README, "Deploy to a Flink cluster"):
#   infra/flink/flink.sh run -d -c io.cxmonitor.surveys.SurveyKpiJob jobs/target/cx-jobs-*-job.jar --bootstrap-servers ...
#   infra/flink/flink.sh list
#   infra/flink/flink.sh savepoint <job id>
#   infra/flink/flink.sh stop --savepointPath file:///path/savepoints <job id>
#   infra/flink/flink.sh run -d -s <savepoint path> -c io.cxmonitor.surveys.SurveyKpiJob <job jar> [same options]
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ "${1:-}" = --home ]; then
  CX_FLINK_HOME=$2
  shift 2
fi
[ -f "$CX_FLINK_HOME/conf/config.yaml" ] \
  || cx_flink_die "no cluster configuration in $CX_FLINK_HOME/conf: start the cluster with infra/flink/start-cluster.sh (or set CX_FLINK_HOME / --home)"
read -r -a java_opts <<<"$(cx_flink_conf env.java.opts.all)"
classpath=$(cx_flink_lib)
# shellcheck disable=SC2046
FLINK_CONF_DIR="$CX_FLINK_HOME/conf" exec "$JAVA_RUN" "${java_opts[@]}" $(cx_flink_log_settings flink-cli log4j-cli.properties) \
  -classpath "$classpath" org.apache.flink.client.cli.CliFrontend "$@"
