#!/usr/bin/env bash
# The benchmark (README "Performance"): builds the bench module and what it needs, then starts a
# Kafka broker and influxd on loopback, fills the topics from the generator and measures the
# pass-through baselines and the KPI jobs (each in a fresh JVM, then warmed) and the live
# latency of the survey job. Prints a Markdown table; writes it, a PNG chart and the logs to
# infra/bench/target/bench/. Options: infra/bench.sh --help (e.g. --surveys 5000000).
# infra/bench.sh --jmh [JMH options] runs the JMH micro-benchmarks of the per-event hot paths
# instead (io.cxmonitor.bench.jmh; short settings unless given, e.g. --jmh -f 2 -i 10 Input).
# infra/bench.sh --growth [options] measures cost growth instead: open tickets, customers, distinct
# tag values, event density (io.cxmonitor.bench.Growth; --growth --help; writes target/bench/growth.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/prerequisites.sh
if [ "${CX_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building (mvn package -DskipTests) ..." >&2
  mvn -B -q -ntp -pl infra/bench -am package -DskipTests
fi
ADD_OPENS=$(sed -n 's:.*<cx.addOpens>\(.*\)</cx.addOpens>.*:\1:p' pom.xml)
cd infra/bench
CP="target/cx-bench-0.1.0-SNAPSHOT.jar:target/lib/*"
if [ "${1:-}" = --jmh ]; then
  shift
  defaults=()
  for opt in "-f 1" "-wi 2" "-w 1s" "-i 3" "-r 1s"; do
    # shellcheck disable=SC2086
    [[ " $* " == *" ${opt% *} "* ]] || defaults+=($opt)
  done
  # the forks inherit these JVM options
  # shellcheck disable=SC2086
  exec java $ADD_OPENS -Xmx1g -cp "$CP" org.openjdk.jmh.Main "${defaults[@]}" "$@"
fi
main=io.cxmonitor.bench.Benchmark
if [ "${1:-}" = --growth ]; then
  shift
  main=io.cxmonitor.bench.Growth
fi
# shellcheck disable=SC2086
exec java $ADD_OPENS -Xmx3g -Djava.awt.headless=true -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
  -cp "$CP" "$main" "$@"
