package live.webhook.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookMetricsTest {

    static final String SET = "Live.CallbackAfterSetMetadata";
    static final String DEL = "Live.CallbackAfterDelMetadata";

    DefaultCamelContext context;
    SimpleMeterRegistry meters;

    @BeforeEach
    void context() {
        context = new DefaultCamelContext();
        meters = new SimpleMeterRegistry();
        context.getRegistry().bind("metricsRegistry", meters);
    }

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    WebhookMetrics metrics() {
        WebhookMetrics metrics = new WebhookMetrics();
        metrics.setSink("kafka");
        metrics.setCommands(SET + " , " + DEL);
        metrics.setCamelContext(context);
        return metrics;
    }

    /** A bean whose context has started: its meters are registered then, as camel-main's registry exists by then. */
    WebhookMetrics started() {
        WebhookMetrics metrics = metrics();
        context.start();
        return metrics;
    }

    Exchange webhook(String command, String outcome, Integer errorCode) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setVariable("CallbackCommand", command);
        exchange.setVariable("Outcome", outcome);
        if (errorCode != null) {
            exchange.setVariable("ErrorCode", errorCode);
        }
        return exchange;
    }

    double webhooks(String command, String outcome, String reason) {
        Counter counter = meters.find("tencent.webhooks")
                .tags("command", command, "outcome", outcome, "reason", reason).counter();
        assertThat(counter).as("tencent.webhooks{%s,%s,%s}", command, outcome, reason).isNotNull();
        return counter.count();
    }

    @Test
    void theRoutedCommandsAreTrimmed() {
        assertThat(metrics().getRouted()).containsExactly(SET, DEL);
    }

    @Test
    void anAcceptedWebhookCountsTheWebhookItsMessagesAndTheSinksTime() throws Exception {
        WebhookMetrics metrics = started();
        Exchange accepted = webhook(SET, "accepted", null);
        accepted.setVariable("MessageCount", 3);
        new SinkTimerStart().process(accepted);
        accepted.setVariable("SinkStartedAt", accepted.getVariable("SinkStartedAt", Long.class) - 5_000_000);

        metrics.process(accepted);

        assertThat(webhooks(SET, "accepted", "none")).isEqualTo(1.0);
        Counter messages = meters.find("tencent.messages").tag("sink", "kafka").counter();
        assertThat(messages.count()).isEqualTo(3.0);
        assertThat(messages.getId().getDescription()).isEqualTo("Messages handed to the sink");
        Timer sink = meters.find("tencent.sink").tag("sink", "kafka").timer();
        assertThat(sink.count()).isEqualTo(1);
        assertThat(sink.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5.0);
        assertThat(sink.getId().getDescription()).isEqualTo("Time the sink took per webhook");
        assertThat(meters.find("tencent.webhooks").counter().getId().getDescription()).isEqualTo("Webhooks answered");
    }

    @Test
    void refusedIgnoredAndFailedWebhooksAreCountedWithTheirReasonButNoMessagesOrSinkTime() {
        WebhookMetrics metrics = started();

        metrics.process(webhook(SET, "refused", 4001));
        metrics.process(webhook(SET, "refused", 4001));
        metrics.process(webhook(DEL, "ignored", null));
        metrics.process(webhook(DEL, "failed", 5000));

        assertThat(webhooks(SET, "refused", "4001")).isEqualTo(2.0);
        assertThat(webhooks(DEL, "ignored", "none")).isEqualTo(1.0);
        assertThat(webhooks(DEL, "failed", "5000")).isEqualTo(1.0);
        assertThat(meters.find("tencent.webhooks").counters()).hasSize(3);
        assertThat(meters.find("tencent.messages").counter().count()).isZero();
        assertThat(meters.find("tencent.sink").timer().count()).isZero();
    }

    @Test
    void aCommandThatIsNotRoutedIsOtherSoASenderCannotGrowTheSeries() {
        WebhookMetrics metrics = started();

        metrics.process(webhook("Live.CallbackSomethingNew", "ignored", null));
        metrics.process(webhook("Live.Callback" + "X".repeat(40), "ignored", null));
        metrics.process(webhook(null, "refused", 4002));

        assertThat(webhooks("other", "ignored", "none")).isEqualTo(2.0);
        assertThat(webhooks("other", "refused", "4002")).isEqualTo(1.0);
        assertThat(meters.find("tencent.webhooks").counters()).hasSize(2);
    }

    @Test
    void anAcceptedWebhookWithoutMessagesOrAStartTimeCountsNoneAndRecordsNoTime() {
        WebhookMetrics metrics = started();

        metrics.process(webhook(SET, "accepted", null));

        assertThat(webhooks(SET, "accepted", "none")).isEqualTo(1.0);
        assertThat(meters.find("tencent.messages").counter().count()).isZero();
        assertThat(meters.find("tencent.sink").timer().count()).isZero();
    }

    @Test
    void theInFlightGaugeReadsTheReceiveRoutesInflightExchanges() {
        started();
        Gauge inFlight = meters.find("tencent.webhooks.in.flight").gauge();
        assertThat(inFlight).isNotNull();
        assertThat(inFlight.getId().getDescription()).isEqualTo("Webhooks being processed now");
        assertThat(inFlight.value()).isZero();

        // Camel counts per route once the route is added (when it starts).
        context.getInflightRepository().addRoute("webhook-receive");
        context.getInflightRepository().addRoute("spool-drain");
        Exchange first = webhook(SET, null, null);
        Exchange second = webhook(SET, null, null);
        Exchange elsewhere = webhook(SET, null, null);
        context.getInflightRepository().add(first, "webhook-receive");
        context.getInflightRepository().add(second, "webhook-receive");
        context.getInflightRepository().add(elsewhere, "spool-drain");

        assertThat(inFlight.value()).isEqualTo(2.0);
        context.getInflightRepository().remove(first, "webhook-receive");
        assertThat(inFlight.value()).isEqualTo(1.0);
    }

    @Test
    void theInFlightGaugeIsRegisteredOnceAndStillReadsAfterTheBeansAreCollected() {
        WeakReference<WebhookMetrics> first = new WeakReference<>(metrics());
        WeakReference<WebhookMetrics> second = new WeakReference<>(metrics());
        context.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return first.get() == null && second.get() == null;
        });

        assertThat(meters.find("tencent.webhooks.in.flight").gauges()).hasSize(1);
        context.getInflightRepository().addRoute("webhook-receive");
        context.getInflightRepository().add(webhook(SET, null, null), "webhook-receive");
        assertThat(meters.find("tencent.webhooks.in.flight").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aRegistryBoundAfterTheBuildIsFoundWhenTheContextStartsAndAtTheFirstWebhook() throws Exception {
        try (DefaultCamelContext later = new DefaultCamelContext()) {
            WebhookMetrics metrics = new WebhookMetrics();
            metrics.setSink("file");
            metrics.setCommands(SET);
            metrics.setCamelContext(later);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            later.getRegistry().bind("metricsRegistry", registry);
            assertThat(registry.find("tencent.webhooks.in.flight").gauge()).isNull();

            later.start();
            assertThat(registry.find("tencent.webhooks.in.flight").gauges()).hasSize(1);

            Exchange accepted = new DefaultExchange(later);
            accepted.setVariable("CallbackCommand", SET);
            accepted.setVariable("Outcome", "accepted");
            accepted.setVariable("MessageCount", 2);
            metrics.process(accepted);
            assertThat(registry.find("tencent.messages").tag("sink", "file").counter().count()).isEqualTo(2.0);
            assertThat(registry.find("tencent.webhooks.in.flight").gauges()).hasSize(1);
        }
    }

    @Test
    void theNamedRegistryIsPreferredOverAnyOther() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        context.getRegistry().bind("anotherRegistry", other);

        started().process(webhook(SET, "refused", 4001));

        assertThat(webhooks(SET, "refused", "4001")).isEqualTo(1.0);
        assertThat(other.getMeters()).isEmpty();
    }

    @Test
    void theSinkTimerHasBucketsUpToTheTwoSecondsTencentWaitsAndOneBeyond() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String text;
        try (DefaultCamelContext scraped = new DefaultCamelContext()) {
            scraped.getRegistry().bind("metricsRegistry", prometheus);
            WebhookMetrics metrics = new WebhookMetrics();
            metrics.setSink("kafka");
            metrics.setCommands(SET);
            metrics.setCamelContext(scraped);
            scraped.start();
            for (long millis : new long[] {3, 40, 1500, 3000}) {
                Exchange accepted = new DefaultExchange(scraped);
                accepted.setVariable("CallbackCommand", SET);
                accepted.setVariable("Outcome", "accepted");
                accepted.setVariable("MessageCount", 1);
                accepted.setVariable("SinkStartedAt", System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(millis));
                metrics.process(accepted);
            }
            text = prometheus.scrape();
        }

        // histogram_quantile needs the buckets; a p99 over 2 s needs a finite boundary above 2 s.
        assertThat(bucket(text, "2.0")).isEqualTo(3.0);
        assertThat(bucket(text, "4.0")).isEqualTo(4.0);
        assertThat(bucket(text, "1.0")).isEqualTo(2.0);
        assertThat(bucket(text, "0.001")).isZero();
        assertThat(bucket(text, "+Inf")).isEqualTo(4.0);
        assertThat(text).contains("tencent_sink_seconds_count{sink=\"kafka\"} 4")
                .contains("tencent_sink_seconds_max{sink=\"kafka\"}");
        // Between 1 ms and the maximum expected 2 s, plus the objectives: tens of series, not hundreds.
        assertThat(text.lines().filter(l -> l.startsWith("tencent_sink_seconds_bucket")).count()).isBetween(20L, 80L);
    }

    /** The count of the kafka sink's bucket whose upper bound is le, whatever order the labels are in. */
    static double bucket(String text, String le) {
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        return text.lines().filter(l -> l.startsWith("tencent_sink_seconds_bucket{") && l.contains("sink=\"kafka\""))
                .filter(l -> {
                    String value = l.substring(l.indexOf("le=\"") + 4);
                    value = value.substring(0, value.indexOf('"'));
                    return (value.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value)) == bound;
                })
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no bucket le=" + le + " in\n" + text));
    }

    @Test
    void theReadyGaugeIsOneWhileEveryReadinessCheckIsUpAndZeroWhileOneIsDown() throws Exception {
        AtomicBoolean writable = new AtomicBoolean(true);
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        assertThat(registry).as("Camel's health check registry").isNotNull();
        registry.register(new AbstractHealthCheck("tencent", "test-sink") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                if (writable.get()) {
                    builder.up();
                } else {
                    builder.down();
                }
            }
        });
        assertThat(WebhookMetrics.ready(context)).as("before the context started").isZero();
        started();
        Gauge ready = meters.find("tencent.ready").gauge();
        assertThat(ready).isNotNull();
        assertThat(ready.getId().getDescription()).contains("/observe/health/ready");
        assertThat(ready.value()).isEqualTo(1.0);
        writable.set(false);
        assertThat(ready.value()).isZero();
        writable.set(true);
        assertThat(ready.value()).isEqualTo(1.0);
        assertThat(meters.find("tencent.ready").gauges()).hasSize(1);
    }
}
