#!/usr/bin/env bash
# The demo: builds cx-monitor, starts Kafka and influxd on loopback (or uses --kafka /
# --influx-url), runs the survey KPI job and the generator, and shows live KPIs read back from
# InfluxDB until Ctrl-C. Options: infra/demo.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/prerequisites.sh
if [ "${CX_DEMO_SKIP_BUILD:-0}" != 1 ]; then
  echo "[cx-demo] building (mvn install -DskipTests) ..."
  mvn -B -q -ntp install -DskipTests
fi
ADD_OPENS=$(sed -n 's:.*<cx.addOpens>\(.*\)</cx.addOpens>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
# the Apicurio Registry that `--value-format confluent` starts when no --schema-registry is given
APICURIO=infra/demo/target/apicurio-registry
exec java $ADD_OPENS -Dcx.apicurio.home="${CX_APICURIO_HOME:-$APICURIO}" -Djava.io.tmpdir="${TMPDIR:-/tmp}" -cp "infra/demo/target/cx-demo-0.1.0-SNAPSHOT.jar:infra/demo/target/lib/*" io.cxmonitor.demo.Demo "$@"
