#!/usr/bin/env bash
# Throughput, latency and memory of the packaged service under a steady webhook load, on this
# machine, against the log sink (to a file) or the Kafka sink (a local broker from
# src/main/scripts/kafka-dev.sh). Targets and how to read the figures: bench/README.md.
#
#   bench/run.sh              # log sink
#   SINK=kafka bench/run.sh   # Kafka sink; start src/main/scripts/kafka-dev.sh first
set -euo pipefail
cd "$(dirname "$0")/.."

SINK=${SINK:-log}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
MGMT=${MGMT:-19876}
HEAP=${HEAP:--Xmx256m}
out=target/bench
mkdir -p "$out"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -f target/tencent-live-webhook.jar ] || mvn -B -q -ntp package -DskipTests

TENCENT_SDKAPPID=1400000001 SINK=$SINK HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT \
  KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092} SPOOL_DIR=$out/spool \
  java $HEAP -jar target/tencent-live-webhook.jar > "$out/service-$SINK.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$MGMT/observe/health/ready" >/dev/null && break
  kill -0 $pid 2>/dev/null || { echo "service exited, see $out/service-$SINK.log" >&2; exit 1; }
  sleep 0.5
done

# Warm-up (JIT), then the measured run.
wrk -t "$THREADS" -c "$CONNECTIONS" -d 5s -s bench/post-sample.lua "http://127.0.0.1:$PORT" > /dev/null
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency -s bench/post-sample.lua "http://127.0.0.1:$PORT" \
  | tee "$out/wrk-$SINK.txt"

rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "peak RSS: $((rss_kb / 1024)) MiB (VmHWM, heap $HEAP)" | tee -a "$out/wrk-$SINK.txt"
curl -s "http://127.0.0.1:$MGMT/observe/metrics" | grep -E '^tencent_(webhooks|messages)_total' | tee -a "$out/wrk-$SINK.txt"
