package live.webhook.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * The service's own metrics, served by camel-main's management server on /observe/metrics:
 * tencent_webhooks_total{command,outcome,reason}, tencent_messages_total{sink},
 * tencent_sink_seconds{sink}, tencent_webhooks_in_flight, tencent_ready.
 *
 * <p>Each webhook is counted once, when it is answered (direct:answer-ok, direct:answer-fail), from the
 * variables the routes set: Outcome, CallbackCommand, ErrorCode, MessageCount, SinkStartedAt. A meter
 * is found once and kept, not looked up by name and tags on every call as a micrometer: endpoint does,
 * and the command label is a routed command or "other", so a sender cannot grow the number of series.
 * Camel has no configuration-only way to do this.
 *
 * <p>Settings are bean properties ({@code sink}, {@code commands}), set once when the bean is built;
 * Camel sets the context after them.
 */
public class WebhookMetrics implements Processor, CamelContextAware {

    public static final String WEBHOOKS = "tencent.webhooks";
    public static final String MESSAGES = "tencent.messages";
    public static final String SINK_TIME = "tencent.sink";
    public static final String IN_FLIGHT = "tencent.webhooks.in.flight";
    public static final String READY = "tencent.ready";
    /**
     * Tencent waits 2 s for an answer: the sink timer's histogram has a bucket boundary at exactly 2 s,
     * so that a 99th percentile over it is seen as such, and one above it (4 s), without which
     * histogram_quantile could never report more than the highest finite boundary.
     */
    static final Duration TENCENT_WAITS = Duration.ofSeconds(2);
    static final Duration[] SINK_OBJECTIVES = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        TENCENT_WAITS, Duration.ofSeconds(4)};
    /** The route that sees every webhook, whose in-flight exchanges the in-flight gauge counts. */
    public static final String RECEIVE_ROUTE = "webhook-receive";
    /** The command label of any command that is not routed. */
    public static final String OTHER = "other";
    /** The reason label of a webhook without an ErrorCode. */
    public static final String NO_REASON = "none";

    private CamelContext context;
    private String sink;
    private Set<String> routed = Set.of();

    /** command label, then outcome, then ErrorCode (or NO_REASON): the counter of that series. */
    private final Map<String, Map<String, Map<Object, Counter>>> webhooks = new ConcurrentHashMap<>();
    private volatile MeterRegistry meters;
    private volatile Counter messages;
    private volatile Timer sinkTime;

    public void setSink(String sink) {
        this.sink = sink;
    }

    public String getSink() {
        return sink;
    }

    /** The routed callback commands, comma-separated (tencent.commands). */
    public void setCommands(String commands) {
        Set<String> set = new LinkedHashSet<>();
        Arrays.stream(commands.split(",")).map(String::trim).forEach(set::add);
        // A HashSet, not Set.of: a webhook without a command looks up null, which is "other".
        routed = Collections.unmodifiableSet(set);
    }

    public Set<String> getRouted() {
        return routed;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
        MeterRegistries.whenBound(camelContext, this, WebhookMetrics::register);
    }

    /** The gauges and the sink's meters; the webhook counters are made per series as they come. */
    private void register(MeterRegistry registry) {
        contextGauges(registry, context);
        // Buckets (tencent_sink_seconds_bucket), for percentiles in PromQL across pods: the
        // percentile histogram between 1 ms and the 2 s Tencent waits, plus SINK_OBJECTIVES.
        sinkTime = Timer.builder(SINK_TIME).description("Time the sink took per webhook")
                .tag("sink", sink)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(TENCENT_WAITS)
                .serviceLevelObjectives(SINK_OBJECTIVES)
                .register(registry);
        messages = Counter.builder(MESSAGES).description("Messages handed to the sink")
                .tag("sink", sink).register(registry);
        meters = registry;
    }

    /**
     * The gauges read from the Camel context when scraped, so they cost the webhooks nothing: the
     * in-flight count and readiness. Held strongly: Camel builds a YAML beans entry more than once in
     * one context (a pre-parse, then the load; a route reload again), and the first of those builds may
     * be the one that registers them; and registered once (Micrometer warns of a second registration).
     */
    static void contextGauges(MeterRegistry meters, CamelContext camel) {
        synchronized (meters) {
            if (meters.find(IN_FLIGHT).gauge() == null) {
                Supplier<Number> size = () -> camel.getInflightRepository().size(RECEIVE_ROUTE);
                Gauge.builder(IN_FLIGHT, size).strongReference(true)
                        .description("Webhooks being processed now").register(meters);
            }
            if (meters.find(READY).gauge() == null) {
                // Prometheus can alert on readiness only through a metric: the probe's answer goes to
                // the kubelet alone. The same checks as /observe/health/ready, run at each scrape
                // (every 15-30 s, against the kubelet's 5 s): a readiness DOWN while the process
                // still answers scrapes (a full disk) is seen, at no cost to any webhook.
                Supplier<Number> ready = () -> ready(camel);
                Gauge.builder(READY, ready).strongReference(true)
                        .description("1 while readiness (/observe/health/ready) is UP, 0 while it is DOWN")
                        .register(meters);
            }
        }
    }

    /** 1 when every readiness check is UP, 0 when one is not; NaN when the context has no health checks. */
    static double ready(CamelContext camel) {
        HealthCheckRegistry registry = HealthCheckHelper.getHealthCheckRegistry(camel);
        if (registry == null || !registry.isEnabled()) {
            return Double.NaN;
        }
        if (!camel.isStarted()) {
            return 0;
        }
        Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(camel);
        return HealthCheckHelper.isResultsUp(results, true) ? 1 : 0;
    }

    @Override
    public void process(Exchange exchange) {
        String outcome = exchange.getVariable("Outcome", String.class);
        String command = exchange.getVariable("CallbackCommand", String.class);
        String label = routed.contains(command) ? command : OTHER;
        Integer code = exchange.getVariable("ErrorCode", Integer.class);
        Object reason = code == null ? NO_REASON : code;
        Counter counter = webhooks(label, outcome, reason);
        if (counter == null) {
            return;
        }
        counter.increment();
        if ("accepted".equals(outcome)) {
            messages.increment(exchange.getVariable("MessageCount", 0, Integer.class));
            Long started = exchange.getVariable(SinkTimerStart.VARIABLE, Long.class);
            if (started != null) {
                sinkTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }
    }

    private Counter webhooks(String label, String outcome, Object reason) {
        Map<Object, Counter> byReason = webhooks.computeIfAbsent(label, l -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new ConcurrentHashMap<>());
        Counter counter = byReason.get(reason);
        if (counter != null) {
            return counter;
        }
        MeterRegistry meters = this.meters;
        if (meters == null) {
            return null;
        }
        return byReason.computeIfAbsent(reason, r -> Counter.builder(WEBHOOKS).description("Webhooks answered")
                .tags("command", label, "outcome", outcome, "reason", r.toString()).register(meters));
    }
}
