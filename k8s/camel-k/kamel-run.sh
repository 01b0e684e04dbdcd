#!/bin/sh
# Generated from k8s/camel-k/integration.yaml (traits) and routes/*.camel.yaml by `k8s/generate`: do not edit.
# Runs the webhook receiver on Camel K straight from the route files, with the traits and
# dependencies of k8s/camel-k/integration.yaml. Run it from the repository root; extra
# arguments go to kamel run (for example -n NAMESPACE).
#
# Secured Kafka (k8s/README.md): the traits an overlay of the Integration adds, as the extra
# arguments that give this script's Integration the same (the Secrets they name must exist).
#
# k8s/camel-k-kafka-mtls:
#   sh k8s/camel-k/kamel-run.sh \
#     -t mount.resources=secret:my-cluster-cluster-ca-cert@/etc/kafka/cluster-ca \
#     -t mount.resources=secret:tencent-live-webhook-producer@/etc/kafka/user \
#     -t environment.vars=SINK=kafka \
#     -t environment.vars=KAFKA_BROKERS=my-cluster-kafka-bootstrap.kafka.svc:9093 \
#     -t environment.vars=KAFKA_SECURITY_PROTOCOL=SSL \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_LOCATION=/etc/kafka/cluster-ca/ca.p12 \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_PASSWORD=secret:my-cluster-cluster-ca-cert/ca.password \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_TYPE=PKCS12 \
#     -t environment.vars=KAFKA_SSL_KEYSTORE_LOCATION=/etc/kafka/user/user.p12 \
#     -t environment.vars=KAFKA_SSL_KEYSTORE_PASSWORD=secret:tencent-live-webhook-producer/user.password \
#     -t environment.vars=KAFKA_SSL_KEYSTORE_TYPE=PKCS12
#
# k8s/camel-k-kafka-sasl-plain:
#   sh k8s/camel-k/kamel-run.sh \
#     -t environment.vars=SINK=kafka \
#     -t environment.vars=KAFKA_BROKERS=pkc-00000.europe-west1.gcp.confluent.cloud:9092 \
#     -t environment.vars=KAFKA_SECURITY_PROTOCOL=SASL_SSL \
#     -t environment.vars=KAFKA_SASL_MECHANISM=PLAIN \
#     -t environment.vars=KAFKA_SASL_USERNAME=secret:kafka-api-key/username \
#     -t environment.vars=KAFKA_SASL_PASSWORD=secret:kafka-api-key/password
#
# k8s/camel-k-kafka-scram-tls:
#   sh k8s/camel-k/kamel-run.sh \
#     -t mount.resources=secret:my-cluster-cluster-ca-cert@/etc/kafka/cluster-ca \
#     -t environment.vars=SINK=kafka \
#     -t environment.vars=KAFKA_BROKERS=my-cluster-kafka-bootstrap.kafka.svc:9093 \
#     -t environment.vars=KAFKA_SECURITY_PROTOCOL=SASL_SSL \
#     -t environment.vars=KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
#     -t environment.vars=KAFKA_SASL_USERNAME=tencent-live-webhook-producer \
#     -t environment.vars=KAFKA_SASL_PASSWORD=secret:tencent-live-webhook-producer/password \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_LOCATION=/etc/kafka/cluster-ca/ca.p12 \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_PASSWORD=secret:my-cluster-cluster-ca-cert/ca.password \
#     -t environment.vars=KAFKA_SSL_TRUSTSTORE_TYPE=PKCS12
set -e
cd "$(dirname "$0")/../.."
exec kamel run --name tencent-live-webhook \
  -t camel.runtime-provider=plain-quarkus \
  -t camel.runtime-version=3.33.1 \
  -t container.request-cpu=250m \
  -t container.request-memory=256Mi \
  -t container.limit-cpu=1 \
  -t container.limit-memory=512Mi \
  -t 'container.ports=management;9876' \
  -t health.enabled=true \
  -t health.startup-probe-enabled=true \
  -t health.startup-probe=/observe/health/started \
  -t health.startup-port=9876 \
  -t health.startup-period=2 \
  -t health.startup-failure-threshold=60 \
  -t health.liveness-probe-enabled=true \
  -t health.liveness-probe=/observe/health/live \
  -t health.liveness-port=9876 \
  -t health.readiness-probe-enabled=true \
  -t health.readiness-probe=/observe/health/ready \
  -t health.readiness-port=9876 \
  -t service.enabled=true \
  -t service.type=ClusterIP \
  -t prometheus.enabled=true \
  -t prometheus.pod-monitor=false \
  -t mount.configs=configmap:tencent-live-webhook-config \
  -t mount.configs=secret:tencent-live-webhook \
  -t mount.hot-reload=true \
  -t mount.volumes=tencent-live-webhook-data:/var/lib/tencent-live-webhook:1Gi:ReadWriteOnce \
  -t deployment.strategy=Recreate \
  -t environment.vars=TENCENT_SDKAPPID=secret:tencent-live-webhook/TENCENT_SDKAPPID \
  -t environment.vars=TENCENT_CALLBACK_TOKEN=secret:tencent-live-webhook/TENCENT_CALLBACK_TOKEN \
  -t environment.vars=SINK_FILE_DIR=/var/lib/tencent-live-webhook/out \
  -t environment.vars=SPOOL_DIR=/var/lib/tencent-live-webhook/spool \
  -t environment.vars=QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE=1048576 \
  -t environment.vars=QUARKUS_HTTP_IDLE_TIMEOUT=5 \
  -d camel:bean \
  -d camel:direct \
  -d camel:file \
  -d camel:jackson \
  -d camel:kafka \
  -d camel:observability-services \
  -d camel:platform-http \
  -d camel:timer \
  -d mvn:live.webhook:tencent-live-webhook:1.0.0-SNAPSHOT \
  routes/health.camel.yaml \
  routes/kafka.camel.yaml \
  routes/metrics.camel.yaml \
  routes/settings.camel.yaml \
  routes/sinks.camel.yaml \
  routes/webhook.camel.yaml "$@"
