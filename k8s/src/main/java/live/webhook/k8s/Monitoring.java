package live.webhook.k8s;

import static live.webhook.k8s.Yaml.mapOf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Generates the alerting rules and the Grafana dashboard of k8s/monitoring from one definition, the
 * alerts below and the thresholds of {@value #THRESHOLDS}: the rules as a plain Prometheus rules file
 * and as a PrometheusRule (the same groups), and the opt-in rule the same two ways.
 * GeneratedManifestsTest fails when a committed file differs from what this produces.
 */
final class Monitoring {

    static final String DIR = "k8s/monitoring";
    static final String THRESHOLDS = DIR + "/thresholds.properties";
    static final String RULES_FILE = DIR + "/tencent-live-webhook.rules.yaml";
    static final String RULE = DIR + "/prometheus-rule.yaml";
    static final String OPT_IN_DIR = DIR + "/no-webhooks";
    static final String OPT_IN_RULES_FILE = OPT_IN_DIR + "/tencent-live-webhook-no-webhooks.rules.yaml";
    static final String OPT_IN_RULE = OPT_IN_DIR + "/prometheus-rule.yaml";
    static final String DASHBOARD = DIR + "/grafana-dashboard.json";
    static final String GROUP = "tencent-live-webhook";
    static final String OPT_IN_GROUP = "tencent-live-webhook-no-webhooks";
    /** The Grafana variables in the dashboard's queries, and what a test puts in their place. */
    static final String NAMESPACE_VARIABLE = "$namespace";
    static final String RATE_INTERVAL_VARIABLE = "$__rate_interval";

    /** One alerting rule; {@code why} becomes the comment above it in the generated files. */
    record Alert(String name, String why, String expr, String forDuration, String severity, String summary,
            String description) {
    }

    /** The settings of {@value #THRESHOLDS}; every key is required, and a test may override any. */
    static final class Thresholds {
        private final Map<String, String> values;

        Thresholds(Map<String, String> values) {
            this.values = Map.copyOf(values);
        }

        static Thresholds read(Path root) {
            Map<String, String> values = new LinkedHashMap<>();
            Settings.read(root.resolve(THRESHOLDS)).entries.forEach((k, e) -> values.put(k, e.value()));
            return new Thresholds(values);
        }

        String get(String key) {
            String value = values.get(key);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException(THRESHOLDS + " lacks " + key);
            }
            return value;
        }

        /** These thresholds with some replaced (key, value, key, value, ...): for tests. */
        Thresholds with(String... keyValues) {
            Map<String, String> copy = new LinkedHashMap<>(values);
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!copy.containsKey(keyValues[i])) {
                    throw new IllegalArgumentException("no threshold " + keyValues[i]);
                }
                copy.put(keyValues[i], keyValues[i + 1]);
            }
            return new Thresholds(copy);
        }
    }

    private Monitoring() {
    }

    /** Repository-relative path -> content of every generated file of k8s/monitoring. */
    static Map<String, String> generate(Path root) {
        return generate(Thresholds.read(root));
    }

    /** The same with the given thresholds (a test's shorter ones). */
    static Map<String, String> generate(Thresholds t) {
        String main = "the alerts of the webhook receiver";
        String optIn = "the opt-in alert of the webhook receiver (no webhook for a long time)";
        Map<String, String> files = new LinkedHashMap<>();
        files.put(RULES_FILE, rulesFile(GROUP, alerts(t), t, main,
                "prometheus-rule.yaml, a PrometheusRule for the prometheus-operator"));
        files.put(RULE, prometheusRule(GROUP, alerts(t), t, main,
                "tencent-live-webhook.rules.yaml, for a Prometheus without the operator"));
        files.put(OPT_IN_RULES_FILE, rulesFile(OPT_IN_GROUP, optInAlerts(t), t, optIn,
                "prometheus-rule.yaml, a PrometheusRule for the prometheus-operator"));
        files.put(OPT_IN_RULE, prometheusRule(OPT_IN_GROUP, optInAlerts(t), t, optIn,
                "tencent-live-webhook-no-webhooks.rules.yaml, for a Prometheus without the operator"));
        files.put(DASHBOARD, dashboard(t));
        return files;
    }

    // --- the alerts --------------------------------------------------------------------------

    static List<Alert> alerts(Thresholds t) {
        String s = t.get("selector");
        String w = t.get("rate.window");
        String spoolAge = duration(Long.parseLong(t.get("spool.oldest.age.seconds")));
        List<Alert> alerts = new ArrayList<>();
        alerts.add(new Alert("TencentWebhookSpoolHolding",
                "With Kafka up, spool-drain delivers thousands of messages a second, so messages that stay in the"
                        + " spool mean Kafka is unreachable or refuses the records, or a very long outage's backlog is"
                        + " still going out. They are safe on the pod's volume meanwhile: a warning.",
                "max by (namespace, pod, instance) (tencent_spool_depth{" + s + "}) > 0",
                t.get("spool.holding.for"), "warning",
                "The spool of {{ $labels.instance }} has held messages for " + t.get("spool.holding.for")
                        + " ({{ $value }} now)",
                "Kafka has not taken the messages the Kafka sink spooled: it is unreachable from the pod or refuses"
                        + " the records. Webhooks are still answered OK from the spool. Read kafka.reachable and"
                        + " kafka.last.failure on /observe/health/ready?data=true (management port), then check the"
                        + " brokers of KAFKA_BROKERS and the topic; the spool drains by itself once Kafka takes records"
                        + " (while tencent_spool_depth falls, it is doing so)."));
        alerts.add(new Alert("TencentWebhookSpoolStale",
                "Consumers see room metadata as old as the oldest spooled message, and a spool without a volume"
                        + " of its own (an emptyDir, as on Knative) is lost with its pod: critical.",
                "max by (namespace, pod, instance) (tencent_spool_oldest_age_seconds{" + s + "}) > "
                        + t.get("spool.oldest.age.seconds"),
                t.get("spool.stale.for"), "critical",
                "The oldest spooled message of {{ $labels.instance }} has waited {{ $value | humanizeDuration }}",
                "A message has waited in the spool for over " + spoolAge + ". Do not delete the pod's volume,"
                        + " nor scale down a StatefulSet, while its spool holds messages (an emptyDir goes with the pod)."
                        + " Bring Kafka back (see TencentWebhookSpoolHolding); if it stays away for long, keep the"
                        + " spool on a PersistentVolumeClaim (k8s/plain, k8s/camel-k)."));
        alerts.add(new Alert("TencentWebhookSdkAppidRefused",
                "Tencent sends webhooks for our SdkAppid only: a lasting share refused with 4030 is our"
                        + " configuration or someone probing the endpoint. A \"for\" longer than the rate window leaves"
                        + " a single stray request silent.",
                "sum by (namespace) (rate(tencent_webhooks_total{" + s + ", outcome=\"refused\", reason=\"4030\"}[" + w + "]))\n"
                        + "  / sum by (namespace) (rate(tencent_webhooks_total{" + s + "}[" + w + "]))\n"
                        + "  > " + t.get("refused.ratio"),
                t.get("refused.for"), "warning",
                "{{ $value | humanizePercentage }} of the webhooks are refused for their SdkAppid (4030)",
                "Webhooks name a SdkAppid that TENCENT_SDKAPPID does not list. If the refusals' WARN log lines show"
                        + " Tencent's addresses and our application, the Secret's TENCENT_SDKAPPID lacks its SdkAppid:"
                        + " fix the Secret and restart the pods. Otherwise someone is probing the endpoint: block the"
                        + " addresses of those log lines at the ingress."));
        alerts.add(new Alert("TencentWebhookSignRefused",
                "Tencent signs every webhook with the token of its console: a lasting share refused for the Sign"
                        + " (4011 missing, 4012 RequestTime off, 4013 wrong) is a token or clock mismatch, or forgery.",
                "sum by (namespace, reason) (rate(tencent_webhooks_total{" + s + ", outcome=\"refused\", reason=~\"4011|4012|4013\"}[" + w + "]))\n"
                        + "  / ignoring (reason) group_left\n"
                        + "  sum by (namespace) (rate(tencent_webhooks_total{" + s + "}[" + w + "]))\n"
                        + "  > " + t.get("refused.ratio"),
                t.get("refused.for"), "warning",
                "{{ $value | humanizePercentage }} of the webhooks are refused for their Sign ({{ $labels.reason }})",
                "4013: the Sign does not match, TENCENT_CALLBACK_TOKEN differs from the console's token (update the"
                        + " Secret after a token change) or the requests are forged. 4012: RequestTime is too far from"
                        + " now, a clock is off (check the nodes' NTP) or requests are replayed. 4011: Sign or"
                        + " RequestTime missing, the console has no token while the service has one, or the sender is"
                        + " not Tencent."));
        alerts.add(new Alert("TencentWebhookFailing",
                "A webhook answered 500 is not taken, and its messages reach no sink: critical.",
                "sum by (namespace) (rate(tencent_webhooks_total{" + s + ", outcome=\"failed\"}[" + w + "]))\n"
                        + "  / sum by (namespace) (rate(tencent_webhooks_total{" + s + "}[" + w + "]))\n"
                        + "  > " + t.get("failed.ratio"),
                t.get("failed.for"), "critical",
                "{{ $value | humanizePercentage }} of the webhooks are answered 500 (5000)",
                "Webhooks fail with ErrorCode 5000 and Tencent does not get OK for them. The pods' ERROR log lines"
                        + " name the cause. A full or read-only disk under the file sink or the spool also turns"
                        + " readiness DOWN (TencentWebhookNotReady): free or enlarge the volume (the pod's claim, or"
                        + " the data emptyDir's sizeLimit), then watch the webhooks being accepted again."));
        alerts.add(new Alert("TencentWebhookSinkSlow",
                "Tencent waits " + t.get("sink.p99.seconds") + " s for an answer; the timer's buckets have a boundary"
                        + " there, so a 99th percentile over it shows as such.",
                "histogram_quantile(0.99, sum by (namespace, le) (rate(tencent_sink_seconds_bucket{" + s + "}[" + w + "])))\n"
                        + "  > " + t.get("sink.p99.seconds"),
                t.get("sink.slow.for"), "warning",
                "The sink's 99th percentile is {{ $value | humanizeDuration }}, over the " + t.get("sink.p99.seconds")
                        + " s Tencent waits",
                "One webhook in a hundred or more waits longer for its sink than Tencent waits for the answer."
                        + " Kafka sink: the brokers acknowledge slowly (a record not acknowledged within"
                        + " kafka.delivery.timeout.ms goes to the spool, whose disk then adds its own time); file sink:"
                        + " the disk is slow. Check the brokers' produce latency, the pods' CPU throttling and the"
                        + " volume; more replicas share the load."));
        alerts.add(new Alert("TencentWebhookNotReady",
                "tencent_ready is the readiness the kubelet probes, read at each scrape: DOWN while the process"
                        + " still answers means the pod gets no webhooks for a reason of its own.",
                "min by (namespace, pod, instance) (tencent_ready{" + s + "}) == 0",
                t.get("not.ready.for"), "critical",
                "{{ $labels.instance }} is not ready",
                "/observe/health/ready is DOWN, so the Service sends the pod no webhooks. Read"
                        + " /observe/health/ready?data=true on the management port: the <sink>-sink check names the"
                        + " directory it cannot write (a full or read-only volume) and the last failure; a route or"
                        + " consumer check DOWN means the routes did not all start (see the pod's log)."));
        alerts.add(new Alert("TencentWebhookDown",
                "No scrape, no other alert of this service for that pod: this one says so.",
                "up{" + s + "} == 0",
                t.get("down.for"), "critical",
                "Prometheus cannot scrape {{ $labels.instance }}",
                "The management port (9876) does not answer /observe/metrics: the pod is gone or restarting"
                        + " (kubectl describe pod: OOMKilled, a failed liveness probe), or a NetworkPolicy keeps"
                        + " Prometheus out. While it lasts no other alert of this service fires for the pod."));
        alerts.add(new Alert("TencentWebhookHeapNearLimit",
                "Heap use swings with every collection; over the threshold at every evaluation for the whole"
                        + " \"for\", no collection frees enough. Pools without a maximum (-1) are left out of the sum.",
                "sum by (namespace, pod, instance) (jvm_memory_used_bytes{" + s + ", area=\"heap\"})\n"
                        + "  / sum by (namespace, pod, instance) (jvm_memory_max_bytes{" + s + ", area=\"heap\"} > 0)\n"
                        + "  > " + t.get("heap.used.ratio"),
                t.get("heap.for"), "warning",
                "The heap of {{ $labels.instance }} is {{ $value | humanizePercentage }} full",
                "The JVM's heap has stayed near its maximum (75 % of the container's memory limit) for "
                        + t.get("heap.for") + ": collections take ever more time, and an OutOfMemoryError or an"
                        + " OOMKill follows. Look at the dashboard's heap and GC panels; raise the memory limit (the heap"
                        + " follows it), or take a heap dump (jcmd 1 GC.heap_dump /tmp/heap.hprof) to find what holds"
                        + " the memory."));
        return alerts;
    }

    static List<Alert> optInAlerts(Thresholds t) {
        String s = t.get("selector");
        String window = t.get("no.webhooks.window");
        return List.of(new Alert("TencentWebhookNoWebhooks",
                "Opt in: only where webhooks come steadily. The counter has no series until the first webhook,"
                        + " so the rule asks for up targets unless some webhook was counted, not for a zero increase.",
                "sum by (namespace) (up{" + s + "}) > 0\n"
                        + "  unless on (namespace)\n"
                        + "  sum by (namespace) (increase(tencent_webhooks_total{" + s + "}[" + window + "])) > 0",
                t.get("no.webhooks.for"), "warning",
                "No webhook has reached the service for " + window,
                "The service is up but has answered no webhook at all for " + window + ". Check that Tencent can"
                        + " reach it: the callback URL in Tencent's console, DNS, the Ingress and its TLS"
                        + " certificate, and the ingress controller's log for the callback path."));
    }

    // --- rule files --------------------------------------------------------------------------

    static String runbookUrl(Thresholds t, Alert alert) {
        return t.get("runbook.url") + "#" + alert.name().toLowerCase(Locale.ROOT);
    }

    /** The groups of a rules file, as maps: what both generated forms hold (and what tests compare). */
    static Map<String, Object> groups(String group, List<Alert> alerts, Thresholds t) {
        List<Object> rules = new ArrayList<>();
        for (Alert a : alerts) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("alert", a.name());
            rule.put("expr", a.expr());
            rule.put("for", a.forDuration());
            rule.put("labels", mapOf("severity", a.severity()));
            rule.put("annotations", mapOf("summary", a.summary(), "description", a.description(),
                    "runbook_url", runbookUrl(t, a)));
            rules.add(rule);
        }
        return mapOf("groups", List.of(mapOf("name", group, "rules", rules)));
    }

    /** A plain Prometheus rules file (rule_files in prometheus.yml) of the given alerts. */
    static String rulesFile(String group, List<Alert> alerts, Thresholds t, String what, String sameAs) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(Manifests.GENERATED.formatted(THRESHOLDS)).append('\n');
        comment(out, "Prometheus alerting rules, " + what + ", for a Prometheus of its own: name this file in"
                + " rule_files of prometheus.yml. The same rules as " + sameAs + ".");
        out.append("groups:\n");
        out.append(groupText(group, alerts, t, 2));
        return checked(out.toString(), groups(group, alerts, t), false);
    }

    /** The same groups as a PrometheusRule. */
    static String prometheusRule(String group, List<Alert> alerts, Thresholds t, String what, String sameAs) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(Manifests.GENERATED.formatted(THRESHOLDS)).append('\n');
        comment(out, "Prometheus alerting rules, " + what + ", for the prometheus-operator. The same rules as "
                + sameAs + ". A Prometheus loads it when its ruleSelector matches these labels: add the label it"
                + " asks for (kube-prometheus-stack's is release: <its release name>) with kustomize's labels.");
        out.append("apiVersion: monitoring.coreos.com/v1\n");
        out.append("kind: PrometheusRule\n");
        out.append("metadata:\n");
        out.append("  name: ").append(group).append('\n');
        out.append("  labels:\n");
        out.append("    app.kubernetes.io/name: ").append(Manifests.NAME).append('\n');
        out.append("spec:\n");
        out.append("  groups:\n");
        out.append(groupText(group, alerts, t, 4));
        return checked(out.toString(), groups(group, alerts, t), true);
    }

    private static void comment(StringBuilder out, String text) {
        wrap(text, 98).forEach(line -> out.append("# ").append(line).append('\n'));
    }

    private static String groupText(String group, List<Alert> alerts, Thresholds t, int indent) {
        String pad = " ".repeat(indent);
        StringBuilder out = new StringBuilder();
        out.append(pad).append("- name: ").append(group).append('\n');
        out.append(pad).append("  rules:\n");
        String rule = pad + "    ";
        for (Alert a : alerts) {
            for (String line : wrap(a.why(), 100 - rule.length() - 2)) {
                out.append(rule).append("# ").append(line).append('\n');
            }
            out.append(rule).append("- alert: ").append(a.name()).append('\n');
            String field = rule + "  ";
            out.append(field).append("expr: ").append(block(a.expr(), field + "  ", false)).append('\n');
            out.append(field).append("for: ").append(a.forDuration()).append('\n');
            out.append(field).append("labels:\n");
            out.append(field).append("  severity: ").append(a.severity()).append('\n');
            out.append(field).append("annotations:\n");
            out.append(field).append("  summary: ").append(quoted(a.summary())).append('\n');
            out.append(field).append("  description: ").append(block(a.description(), field + "    ", true)).append('\n');
            out.append(field).append("  runbook_url: ").append(runbookUrl(t, a)).append('\n');
        }
        return out.toString();
    }

    /** A literal block for a multi-line expression, a folded one for prose, else a one-line scalar. */
    private static String block(String text, String indent, boolean prose) {
        if (prose && text.length() > 60) {
            StringBuilder out = new StringBuilder(">-");
            for (String line : wrap(text, 100 - indent.length())) {
                out.append('\n').append(indent).append(line);
            }
            return out.toString();
        }
        if (text.contains("\n")) {
            StringBuilder out = new StringBuilder("|-");
            for (String line : text.split("\n")) {
                out.append('\n').append(indent).append(line);
            }
            return out.toString();
        }
        return quoted(text);
    }

    /**
     * Plain when YAML reads it back as the same text, else in single quotes (PromQL's double quotes
     * need no escape there), else double-quoted (a JSON string is valid YAML). checked() reads it back.
     */
    private static String quoted(String text) {
        if (text.matches("[A-Za-z0-9(][A-Za-z0-9 ._/(),=<>-]*") && !text.endsWith(" ")) {
            return text;
        }
        if (text.indexOf('\'') < 0 && text.indexOf('\n') < 0) {
            return "'" + text + "'";
        }
        try {
            return new ObjectMapper().writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Words filled into lines of at most width characters (a longer word gets a line of its own). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The text, after making sure it reads back as the groups it was written from. */
    private static String checked(String text, Map<String, Object> groups, boolean prometheusRule) {
        Object read = Yaml.load(text);
        Object got = prometheusRule ? Yaml.map(read).get("spec") : read;
        if (!Objects.equals(got, groups)) {
            throw new IllegalStateException("the generated rules do not read back as written:\n" + text);
        }
        return text;
    }

    static String duration(long seconds) {
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    // --- the dashboard -----------------------------------------------------------------------

    record Query(String expr, String legend) {
    }

    record Panel(String title, String description, String unit, List<Query> queries) {
    }

    static List<Panel> panels(Thresholds t) {
        String s = t.get("selector") + ", namespace=~\"" + NAMESPACE_VARIABLE + "\"";
        String r = "[" + RATE_INTERVAL_VARIABLE + "]";
        String buckets = "sum by (le) (rate(tencent_sink_seconds_bucket{" + s + "}" + r + "))";
        return List.of(
                new Panel("Webhooks/s by outcome", "Webhooks answered: accepted, ignored (a command not routed),"
                        + " refused (4xx), failed (500).", "reqps",
                        List.of(new Query("sum by (outcome) (rate(tencent_webhooks_total{" + s + "}" + r + "))", "{{outcome}}"))),
                new Panel("Refusals/s by reason", "Refused webhooks by ErrorCode: 4030 SdkAppid, 4011-4013 Sign,"
                        + " 400x the body (README, Answers and ErrorCodes).", "reqps",
                        List.of(new Query("sum by (reason) (rate(tencent_webhooks_total{" + s + ", outcome=\"refused\"}" + r + "))",
                                "{{reason}}"))),
                new Panel("Messages/s to the sink", "One message per metadata key of an accepted webhook.", "short",
                        List.of(new Query("sum by (sink) (rate(tencent_messages_total{" + s + "}" + r + "))", "{{sink}}"))),
                new Panel("Sink time per webhook, p50 and p99", "Tencent waits 2 s for the answer"
                        + " (TencentWebhookSinkSlow).", "s",
                        List.of(new Query("histogram_quantile(0.5, " + buckets + ")", "p50"),
                                new Query("histogram_quantile(0.99, " + buckets + ")", "p99"))),
                new Panel("Spool depth", "Messages waiting in the spool for Kafka (TencentWebhookSpoolHolding).", "short",
                        List.of(new Query("sum by (instance) (tencent_spool_depth{" + s + "})", "{{instance}}"))),
                new Panel("Spool: age of the oldest message", "How long the oldest spooled message has waited"
                        + " (TencentWebhookSpoolStale).", "s",
                        List.of(new Query("max by (instance) (tencent_spool_oldest_age_seconds{" + s + "})", "{{instance}}"))),
                new Panel("Webhooks in flight", "Webhooks being processed now.", "short",
                        List.of(new Query("sum by (instance) (tencent_webhooks_in_flight{" + s + "})", "{{instance}}"))),
                new Panel("Readiness (1 UP, 0 DOWN)", "/observe/health/ready, read at each scrape"
                        + " (TencentWebhookNotReady).", "short",
                        List.of(new Query("min by (instance) (tencent_ready{" + s + "})", "{{instance}}"))),
                new Panel("JVM heap", "Heap used and its maximum (TencentWebhookHeapNearLimit).", "bytes",
                        List.of(new Query("sum by (instance) (jvm_memory_used_bytes{" + s + ", area=\"heap\"})", "used {{instance}}"),
                                new Query("sum by (instance) (jvm_memory_max_bytes{" + s + ", area=\"heap\"} > 0)", "max {{instance}}"))),
                new Panel("GC: share of time paused", "Time the JVM spent in collection pauses, per second.", "percentunit",
                        List.of(new Query("sum by (instance) (rate(jvm_gc_pause_seconds_sum{" + s + "}" + r + "))", "{{instance}}"))),
                new Panel("GC pauses/s", "Collection pauses per second, by collector.", "short",
                        List.of(new Query("sum by (instance, gc) (rate(jvm_gc_pause_seconds_count{" + s + "}" + r + "))",
                                "{{gc}} {{instance}}"))));
    }

    static String dashboard(Thresholds t) {
        Map<String, Object> datasource = mapOf("type", "prometheus", "uid", "${datasource}");
        List<Object> panels = new ArrayList<>();
        int id = 1;
        for (Panel p : panels(t)) {
            List<Object> targets = new ArrayList<>();
            char ref = 'A';
            for (Query q : p.queries()) {
                targets.add(mapOf("datasource", datasource, "expr", q.expr(), "legendFormat", q.legend(),
                        "refId", String.valueOf(ref++)));
            }
            Map<String, Object> defaults = new LinkedHashMap<>();
            defaults.put("unit", p.unit());
            defaults.put("min", 0);
            if ("s".equals(p.unit()) && p.title().startsWith("Sink")) {
                // A red line at the 2 s Tencent waits.
                defaults.put("thresholds", mapOf("mode", "absolute", "steps", List.of(
                        mapOf("color", "green", "value", null),
                        mapOf("color", "red", "value", Double.parseDouble(t.get("sink.p99.seconds"))))));
                defaults.put("custom", mapOf("thresholdsStyle", mapOf("mode", "line")));
            }
            int index = id - 1;
            Map<String, Object> panel = new LinkedHashMap<>();
            panel.put("id", id++);
            panel.put("type", "timeseries");
            panel.put("title", p.title());
            panel.put("description", p.description());
            panel.put("datasource", datasource);
            panel.put("gridPos", mapOf("h", 8, "w", 12, "x", (index % 2) * 12, "y", (index / 2) * 8));
            panel.put("fieldConfig", mapOf("defaults", defaults, "overrides", List.of()));
            panel.put("options", mapOf("legend", mapOf("displayMode", "list", "placement", "bottom", "showLegend", true),
                    "tooltip", mapOf("mode", "multi", "sort", "none")));
            panel.put("targets", targets);
            panels.add(panel);
        }
        Map<String, Object> datasourceVariable = new LinkedHashMap<>();
        datasourceVariable.put("name", "datasource");
        datasourceVariable.put("label", "Data source");
        datasourceVariable.put("type", "datasource");
        datasourceVariable.put("query", "prometheus");
        datasourceVariable.put("current", Map.of());
        datasourceVariable.put("hide", 0);
        Map<String, Object> namespaceVariable = new LinkedHashMap<>();
        namespaceVariable.put("name", "namespace");
        namespaceVariable.put("label", "Namespace");
        namespaceVariable.put("type", "query");
        namespaceVariable.put("datasource", datasource);
        namespaceVariable.put("query", mapOf("query", "label_values(tencent_webhooks_in_flight{" + t.get("selector")
                + "}, namespace)", "refId", "namespaces"));
        namespaceVariable.put("definition", "label_values(tencent_webhooks_in_flight{" + t.get("selector") + "}, namespace)");
        namespaceVariable.put("refresh", 2);
        namespaceVariable.put("includeAll", true);
        // Outside Kubernetes there is no namespace label, and .* matches its absence.
        namespaceVariable.put("allValue", ".*");
        namespaceVariable.put("multi", true);
        namespaceVariable.put("current", mapOf("text", "All", "value", "$__all"));
        namespaceVariable.put("sort", 1);
        namespaceVariable.put("hide", 0);

        Map<String, Object> dashboard = new LinkedHashMap<>();
        dashboard.put("title", "Tencent live webhook receiver");
        dashboard.put("uid", "tencent-live-webhook");
        dashboard.put("description", "Webhooks, sink, spool and JVM of the Tencent Cloud live-room webhook receiver."
                + " Generated from " + THRESHOLDS + " by `" + Manifests.REGENERATE + "`: do not edit.");
        dashboard.put("tags", List.of("tencent-live-webhook", "camel"));
        dashboard.put("editable", true);
        dashboard.put("graphTooltip", 1);
        dashboard.put("schemaVersion", 39);
        dashboard.put("version", 1);
        dashboard.put("refresh", "30s");
        dashboard.put("time", mapOf("from", "now-3h", "to", "now"));
        dashboard.put("timezone", "browser");
        dashboard.put("templating", mapOf("list", List.of(datasourceVariable, namespaceVariable)));
        dashboard.put("annotations", mapOf("list", List.of()));
        dashboard.put("links", List.of());
        dashboard.put("panels", panels);
        try {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            return new ObjectMapper().writer(printer).writeValueAsString(dashboard) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric names a PromQL expression reads (a name directly followed by its label matchers). */
    static List<String> metricNames(String expr) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{").matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
