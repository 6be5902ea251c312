#!/usr/bin/env bash
# Runs every test: unit and harness tests, then the integration tests against a real Kafka
# broker, a real influxd and a Flink MiniCluster (all started by the tests on loopback).
# Installs missing prerequisites first. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/prerequisites.sh
exec mvn -B -ntp verify "$@"
