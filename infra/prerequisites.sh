#!/usr/bin/env bash
# Installs what cx-monitor needs on a Debian/Ubuntu machine when it is missing:
# Java 17+, Maven 3.8+, influxd (Debian package influxdb, a real InfluxDB 1.x server) and its
# command-line client influx (influxdb-client; tests read points back with it as a user would).
# Sourced by infra/demo.sh and infra/test.sh; safe to run again.
set -euo pipefail

cx_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "cx-monitor: need root to run: $*  (run as root or install sudo)" >&2; return 1; fi
}

cx_missing=()
command -v java >/dev/null 2>&1 || cx_missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || cx_missing+=(maven)
if ! command -v influxd >/dev/null 2>&1 && [ -z "${CX_INFLUXD:-}" ]; then cx_missing+=(influxdb); fi
if ! command -v influx >/dev/null 2>&1 && [ -z "${CX_INFLUX_CLI:-}" ]; then cx_missing+=(influxdb-client); fi

if [ ${#cx_missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "cx-monitor: missing ${cx_missing[*]} and this is not a Debian/Ubuntu machine." >&2
    echo "Install Java 17+, Maven 3.8+ and InfluxDB 1.x (influxd and the influx CLI), or set CX_INFLUXD / CX_INFLUX_CLI to the binaries." >&2
    exit 1
  fi
  echo "cx-monitor: installing ${cx_missing[*]} ..."
  cx_sudo apt-get update -qq
  # policy-rc.d keeps the package from starting a system-wide influxd on 0.0.0.0:8086;
  # tests and the demo start their own on loopback.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | cx_sudo tee /usr/sbin/policy-rc.d >/dev/null
    cx_sudo chmod +x /usr/sbin/policy-rc.d
    cx_remove_policy=1
  fi
  cx_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${cx_missing[@]}"
  if [ "${cx_remove_policy:-0}" = 1 ]; then cx_sudo rm -f /usr/sbin/policy-rc.d; fi
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ "${java_major%%.*}" -lt 17 ]; then
  echo "cx-monitor: Java 17 or newer is required, found $java_major (set JAVA_HOME or install openjdk-17-jdk-headless)." >&2
  exit 1
fi
