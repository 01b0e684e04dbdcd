#!/usr/bin/env bash
# Makes the service's AppCDS archive (JDK 17's dynamic CDS): one training run of the jar, as the
# image will run it, that answers a few webhooks and is stopped; the JVM writes the classes it loaded
# into ARCHIVE as it exits. Run with -XX:SharedArchiveFile=ARCHIVE, the next start maps those classes
# instead of reading, verifying and parsing them from the jar again.
#
#   k8s/plain/appcds-archive.sh ARCHIVE JAR [java options...]
#
# Run it from the directory the service will run in (its routes/), with the jar's path and the java
# options exactly as the service's command line gives them: the JVM uses the archive only for the
# same jar (path, size and modification time) and the same JDK. k8s/plain/Dockerfile runs it when
# the image is built; bench/run runs it the same way to measure the image's start-up locally.
#
# The training run takes the Kafka sink with no broker reachable, so that the webhook path, the
# Kafka producer and the spool are all loaded; nothing it spools outlives it.
set -euo pipefail

archive=${1:?usage: appcds-archive.sh ARCHIVE JAR [java options...]}
jar=${2:?usage: appcds-archive.sh ARCHIVE JAR [java options...]}
shift 2
http_port=${APPCDS_HTTP_PORT:-18080}
management_port=${APPCDS_MANAGEMENT_PORT:-18081}
sdkappid=1400000001
work=$(mktemp -d)
pid=

finish() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap finish EXIT

request() { # port method path [body] -> the HTTP status, or nothing when nothing answered
  local fd line body=${4:-}
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$2" "$3" "${#body}" "$body" >&"$fd" 2>/dev/null || true
  line=
  IFS= read -r -t 10 line <&"$fd" || true
  exec {fd}>&-
  [[ $line =~ ^HTTP/1\.[01]\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
  return 0
}

webhook() { # command body -> the HTTP status
  request "$http_port" POST "/callback?SdkAppid=$sdkappid&CallbackCommand=$1&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI" "$2"
}

set_metadata='{"CallbackCommand":"Live.CallbackAfterSetMetadata","RoomId":"appcds-room","Operator_Account":"appcds","EventTime":1739965885831,"Metadata":[{"Key":"key1","Value":"value1"},{"Key":"key2","Value":"value2"}]}'
del_metadata='{"CallbackCommand":"Live.CallbackAfterDelMetadata","RoomId":"appcds-room","Operator_Account":"appcds","EventTime":1739965885832,"Keys":["key1"]}'

rm -f "$archive"
env TENCENT_SDKAPPID=$sdkappid HTTP_PORT="$http_port" MANAGEMENT_PORT="$management_port" \
  SINK=kafka KAFKA_BROKERS=127.0.0.1:1 SPOOL_DIR="$work/spool" SINK_FILE_DIR="$work/out" \
  java -XX:ArchiveClassesAtExit="$archive" "$@" -jar "$jar" >"$work/training.log" 2>&1 &
pid=$!

status=
for ((i = 0; i < 1200; i++)); do
  kill -0 "$pid" 2>/dev/null || { cat "$work/training.log" >&2; echo "appcds-archive.sh: the training run ended early" >&2; exit 1; }
  status=$(webhook Live.CallbackAfterSetMetadata "$set_metadata")
  [[ $status == 200 ]] && break
  sleep 0.1
done
[[ $status == 200 ]] || { cat "$work/training.log" >&2; echo "appcds-archive.sh: no webhook answered in 120 s" >&2; exit 1; }

# What a running service meets: both commands, a command it does not route, a refusal, a body it
# cannot read, and the management endpoints a probe and Prometheus call.
webhook Live.CallbackAfterDelMetadata "$del_metadata" >/dev/null
webhook Live.CallbackAfterCreateRoom '{}' >/dev/null
webhook Live.CallbackAfterSetMetadata '{' >/dev/null
sdkappid=1 webhook Live.CallbackAfterSetMetadata "$set_metadata" >/dev/null
request "$management_port" GET /observe/health/ready >/dev/null
request "$management_port" GET /observe/health/live >/dev/null
request "$management_port" GET /observe/metrics >/dev/null

kill -TERM "$pid"
wait "$pid" || true
pid=
if [[ ! -s $archive ]]; then
  cat "$work/training.log" >&2
  echo "appcds-archive.sh: the JVM wrote no archive at $archive" >&2
  exit 1
fi
echo "appcds-archive.sh: $archive ($(du -k "$archive" | cut -f1) KiB)"
