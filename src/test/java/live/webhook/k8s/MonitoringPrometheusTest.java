package live.webhook.k8s;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules and the dashboard of k8s/monitoring on a real Prometheus server (Debian's prometheus),
 * started as a process on a free loopback port, scraping the real service every second with the
 * Kafka sink on a real broker: the broker stops, webhooks are spooled, the spool alerts go pending
 * then firing; the broker comes back, the spool drains and they resolve. Every query of the dashboard
 * returns data. The rules are the generator's, with thresholds of seconds instead of minutes.
 */
class MonitoringPrometheusTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";
    static final String JOB = "tencent-live-webhook";
    static final String HOLDING = "TencentWebhookSpoolHolding";
    static final String STALE = "TencentWebhookSpoolStale";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    KafkaBroker kafka;
    WebhookService service;
    Process prometheus;
    URI prometheusUri;

    @TempDir
    Path work;

    @AfterEach
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theSpoolAlertsFireWhileKafkaIsAwayAndResolveWhenItIsBackAndEveryDashboardQueryHasData() throws Exception {
        Path binary = PrometheusBinaries.prometheus();
        kafka = new KafkaBroker().start();
        kafka.createTopic(TOPIC, 1, Map.of("cleanup.policy", "compact"));
        service = WebhookService.start("sink", "kafka", "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic", TOPIC, "spool.dir", work.resolve("spool").toString(), "spool.drain.delay.ms", "100");

        // The generator's rules, with thresholds a test can wait for: pending for 5 s, then firing.
        Monitoring.Thresholds thresholds = Monitoring.Thresholds.read(ManifestValidator.ROOT).with(
                "spool.holding.for", "5s", "spool.oldest.age.seconds", "3", "spool.stale.for", "1s", "rate.window", "30s");
        Files.writeString(work.resolve("tencent-live-webhook.rules.yaml"),
                Monitoring.generate(thresholds).get(Monitoring.RULES_FILE));
        startPrometheus(binary, service.managementPort());
        await("Prometheus scrapes the service").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> values("up{job=\"" + JOB + "\"}"), v -> v.equals(List.of(1.0)));

        // Kafka up: webhooks go straight to Kafka, the spool stays empty and its alerts silent.
        for (int i = 0; i < 3; i++) {
            assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
        }
        // A refusal for the dashboard's refusals panel (a wrong SdkAppid, 4030).
        assertThat(service.post(query(SET).replace("SdkAppid=" + WebhookService.SDKAPPID, "SdkAppid=1"),
                sample("set-metadata.json")).statusCode()).isEqualTo(403);
        await("no spool alert while Kafka takes the records").during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> alertStates(HOLDING).isEmpty() && alertStates(STALE).isEmpty());

        kafka.stop();
        try {
            for (int i = 0; i < 2; i++) {
                // Answered OK from the spool once Kafka did not acknowledge in time.
                assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
            }
            await("the spool is scraped").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> values("tencent_spool_depth{job=\"" + JOB + "\"}"), v -> v.equals(List.of(4.0)));
            await(HOLDING + " pending").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> alertStates(HOLDING), s -> s.equals(List.of("pending")));
            await(HOLDING + " firing").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> alertStates(HOLDING), s -> s.equals(List.of("firing")));
            await(STALE + " firing").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> alertStates(STALE), s -> s.equals(List.of("firing")));
            JsonNode holding = alert(HOLDING);
            assertThat(holding.path("labels").path("severity").asText()).isEqualTo("warning");
            assertThat(holding.path("annotations").path("summary").asText())
                    .isEqualTo("The spool of 127.0.0.1:" + service.managementPort() + " has held messages for 5s (4 now)");
            assertThat(holding.path("annotations").path("runbook_url").asText()).endsWith("README.md#tencentwebhookspoolholding");

            // A collection pause after the meters were bound, so the GC panels have a series to show.
            System.gc();
            dashboardQueriesReturnData();
        } finally {
            kafka.start();
        }

        // spool-drain delivers the spool to Kafka: both alerts resolve and leave the list.
        await("the spool drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> values("tencent_spool_depth{job=\"" + JOB + "\"}"), v -> v.equals(List.of(0.0)));
        await("the spool alerts resolved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> alertStates(HOLDING).isEmpty() && alertStates(STALE).isEmpty());
        // What was spooled went to Kafka (at least once: a late acknowledgement may repeat one).
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> values("tencent_spool_delivered_total{job=\"" + JOB + "\"}"), v -> v.size() == 1 && v.get(0) >= 4.0);
    }

    /** Every panel's every query of the committed dashboard returns at least one sample that is a number. */
    void dashboardQueriesReturnData() throws IOException {
        JsonNode dashboard = JSON.readTree(ManifestValidator.ROOT.resolve(Monitoring.DASHBOARD).toFile());
        String exported = service.management("/observe/metrics").body();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as(panel.path("title").asText()).isNotBlank();
                for (String metric : Monitoring.metricNames(expr)) {
                    assertThat(exported).as("the service exports %s (panel %s)", metric, panel.path("title").asText())
                            .containsPattern("(?m)^" + metric + "[{ ]");
                }
                queries.add(expr.replace(Monitoring.NAMESPACE_VARIABLE, ".*").replace(Monitoring.RATE_INTERVAL_VARIABLE, "1m"));
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(11);
        for (String promql : queries) {
            await("data for " + promql).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> values(promql), v -> v.stream().anyMatch(x -> !x.isNaN()));
        }
    }

    void startPrometheus(Path binary, int managementPort) throws IOException {
        int port = WebhookService.freePort();
        Files.writeString(work.resolve("prometheus.yml"), """
                # Scrape and evaluate every second, so that the test waits seconds, not minutes.
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - tencent-live-webhook.rules.yaml
                scrape_configs:
                  - job_name: %s
                    metrics_path: /observe/metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(JOB, managementPort));
        Path log = ServiceProcess.logFile("prometheus-" + port);
        prometheus = new ProcessBuilder(binary.toString(),
                "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        prometheusUri = URI.create("http://127.0.0.1:" + port);
        await("Prometheus ready, see " + log).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(prometheus.isAlive()).as("prometheus exited, see %s", log).isTrue();
                    try {
                        return get("/-/ready").statusCode() == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(prometheusUri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as(response.body()).isEqualTo("success");
        return body.path("data");
    }

    /** The values of an instant query, one per series. */
    List<Double> values(String promql) throws IOException, InterruptedException {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<Double> values = new ArrayList<>();
        for (JsonNode series : data.path("result")) {
            values.add(Double.parseDouble(series.path("value").get(1).asText()));
        }
        return values;
    }

    /** The states (pending, firing) of the active alerts of that name. */
    List<String> alertStates(String name) throws IOException, InterruptedException {
        List<String> states = new ArrayList<>();
        for (JsonNode alert : api("/api/v1/alerts").path("alerts")) {
            if (name.equals(alert.path("labels").path("alertname").asText())) {
                states.add(alert.path("state").asText());
            }
        }
        return states;
    }

    JsonNode alert(String name) throws IOException, InterruptedException {
        for (JsonNode alert : api("/api/v1/alerts").path("alerts")) {
            if (name.equals(alert.path("labels").path("alertname").asText())) {
                return alert;
            }
        }
        throw new AssertionError("no active alert " + name);
    }
}
