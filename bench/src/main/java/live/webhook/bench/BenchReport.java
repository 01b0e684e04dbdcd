package live.webhook.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns what {@code bench/run} recorded during a run into {@code bench/results/<timestamp>.json}
 * and {@code .md}: figures per process and scenario, the ratios service / baseline, and each
 * target as PASS or MISS.
 *
 * <p>Input, in the run directory: {@code meta.properties} (the run's settings and the machine) and
 * {@code records.jsonl}, one JSON object per line, written by {@code bench/run}:
 * <ul>
 *   <li>{@code {"type":"process","name":...,"label":"current|before|baseline","startup_ms":...,"rss_kb":...}}</li>
 *   <li>{@code {"type":"wrk","process":...,"scenario":...,"keys":...,"records_in_topic":...,"spooled":...,"wrk":{...}}}
 *       where {@code wrk} is what {@code bench/wrk/report.lua} printed.</li>
 *   <li>{@code {"type":"open","process":...,"scenario":...,"records_in_topic":...,"open":{...}}} from {@link OpenLoopLoad}.</li>
 *   <li>{@code {"type":"producer-perf",...}} from Kafka's ProducerPerformance.</li>
 *   <li>{@code {"type":"startup","name":...,"what":...,"runs_ms":[...],"rss_kb":...}}: repeated starts of one
 *       command line, without ({@code service-log}) and with ({@code service-log-appcds}) the image's AppCDS archive.</li>
 *   <li>{@code {"type":"appcds","archive_kb":...}}: the archive's size.</li>
 *   <li>{@code {"type":"spool-write","process":...,"messages_written":...}}: after the wrk phase of that process, Kafka
 *       away, how many messages it spooled in all.</li>
 *   <li>{@code {"type":"spool-drain","process":...,"messages_found":...,"records_in_topic":...,"seconds":...}}: that spool
 *       delivered by a new process with the broker up and no load, from its first answered webhook until
 *       {@code tencent_spool_depth} read 0 (null: not within the timeout).</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp ... live.webhook.bench.BenchReport RUN_DIR OUTPUT_BASE} writes
 * {@code OUTPUT_BASE.json} and {@code OUTPUT_BASE.md}.
 */
public final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    // The targets, as bench/README.md states them.
    static final double KAFKA_WEBHOOKS_PER_S = 6_000;
    static final double KAFKA_RECORDS_PER_S = 12_000;
    static final double KAFKA_MIN_RATIO = 0.35;
    static final double KAFKA_STRETCH_RATIO = 0.5;
    static final double LOG_MIN_RATIO = 0.5;
    static final double HALF_PEAK_P99_MS = 20;
    static final double STARTUP_MS = 1_500;
    static final double STARTUP_APPCDS_MS = 1_000;
    static final double RSS_MB = 300;
    static final double SPOOL_VS_DIRECT = 0.5;

    private final Properties meta;
    private final Map<String, ObjectNode> processes = new LinkedHashMap<>();
    private final List<ObjectNode> wrk = new ArrayList<>();
    private final List<ObjectNode> open = new ArrayList<>();
    private ObjectNode producerPerf;
    private final Map<String, ObjectNode> startups = new LinkedHashMap<>();
    private ObjectNode appCds;
    private final Map<String, ObjectNode> spoolWrites = new LinkedHashMap<>();
    private final Map<String, ObjectNode> spoolDrains = new LinkedHashMap<>();

    private BenchReport(Properties meta) {
        this.meta = meta;
    }

    public static void main(String[] args) throws IOException {
        Path run = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Properties meta = new Properties();
        try (Reader in = Files.newBufferedReader(run.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(in);
        }
        BenchReport report = new BenchReport(meta);
        Path records = run.resolve("records.jsonl");
        if (Files.exists(records)) {
            for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    report.add((ObjectNode) JSON.readTree(line));
                }
            }
        }
        ObjectNode json = report.json();
        Files.writeString(Path.of(out + ".json"), JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
        Files.writeString(Path.of(out + ".md"), report.markdown(json), StandardCharsets.UTF_8);
    }

    private void add(ObjectNode record) {
        switch (record.path("type").asText()) {
            case "process" -> processes.put(record.path("name").asText(), record);
            case "wrk" -> wrk.add(derivedWrk(record));
            case "open" -> open.add(record);
            case "producer-perf" -> producerPerf = record;
            case "startup" -> startups.put(record.path("name").asText(), derivedStartup(record));
            case "appcds" -> appCds = record;
            case "spool-write" -> spoolWrites.put(record.path("process").asText(), record);
            case "spool-drain" -> spoolDrains.put(record.path("process").asText(), derivedDrain(record));
            default -> { }
        }
    }

    /** Adds webhooks/s (2xx answers per second), records/s (arrived in the topic per second) and what is missing. */
    private static ObjectNode derivedWrk(ObjectNode r) {
        JsonNode w = r.path("wrk");
        double seconds = w.path("duration_us").asDouble() / 1e6;
        long requests = w.path("requests").asLong();
        long non2xx = w.path("errors_status").asLong();
        long socket = w.path("errors_connect").asLong() + w.path("errors_read").asLong() + w.path("errors_write").asLong()
                + w.path("errors_timeout").asLong();
        long ok = Math.max(0, requests - non2xx);
        r.put("seconds", seconds);
        r.put("ok", ok);
        r.put("non2xx", non2xx);
        r.put("socket_errors", socket);
        r.put("webhooks_per_s", seconds > 0 ? ok / seconds : 0);
        r.put("p50_ms", w.path("lat_p50_us").asDouble() / 1000);
        r.put("p99_ms", w.path("lat_p99_us").asDouble() / 1000);
        r.put("p999_ms", w.path("lat_p999_us").asDouble() / 1000);
        r.put("max_ms", w.path("lat_max_us").asDouble() / 1000);
        if (r.hasNonNull("records_in_topic")) {
            long counted = r.path("records_in_topic").asLong();
            long expected = ok * r.path("keys").asLong();
            r.put("records_per_s", seconds > 0 ? counted / seconds : 0);
            r.put("records_expected", expected);
            r.put("records_missing", Math.max(0, expected - counted));
        }
        return r;
    }

    /** Adds records/s: the records counted in the topic over the time the spool took to empty. */
    private static ObjectNode derivedDrain(ObjectNode r) {
        if (r.hasNonNull("seconds") && r.path("seconds").asDouble() > 0) {
            r.put("records_per_s", r.path("records_in_topic").asDouble() / r.path("seconds").asDouble());
        }
        return r;
    }

    /** Adds the median and the fastest of the runs. */
    private static ObjectNode derivedStartup(ObjectNode r) {
        List<Double> runs = new ArrayList<>();
        r.path("runs_ms").forEach(n -> runs.add(n.asDouble()));
        runs.sort(null);
        if (!runs.isEmpty()) {
            int n = runs.size();
            r.put("median_ms", n % 2 == 1 ? runs.get(n / 2) : (runs.get(n / 2 - 1) + runs.get(n / 2)) / 2);
            r.put("min_ms", runs.get(0));
        }
        return r;
    }

    private ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject("meta");
        new TreeMap<>(meta).forEach((k, v) -> m.put(k.toString(), v.toString()));
        ArrayNode p = root.putArray("processes");
        processes.values().forEach(p::add);
        ArrayNode w = root.putArray("wrk");
        wrk.forEach(w::add);
        ArrayNode o = root.putArray("open_loop");
        open.forEach(o::add);
        if (producerPerf != null) {
            root.set("producer_perf", producerPerf);
        }
        ArrayNode st = root.putArray("startup");
        startups.values().forEach(st::add);
        if (appCds != null) {
            root.set("appcds", appCds);
        }
        ArrayNode sw = root.putArray("spool_write");
        spoolWrites.values().forEach(sw::add);
        ArrayNode sd = root.putArray("spool_drain");
        spoolDrains.values().forEach(sd::add);
        ObjectNode ratios = root.putObject("ratios");
        for (String label : labels()) {
            String prefix = prefix(label);
            ObjectNode r = ratios.putObject(label);
            putRatio(r, "log_vs_baseline_log", rate(prefix + "-log"), rate("baseline-log"));
            putRatio(r, "kafka_vs_baseline_kafka", rate(prefix + "-kafka"), rate("baseline-kafka"));
            putRatio(r, "log_vs_baseline_ok", rate(prefix + "-log"), rate("baseline-ok"));
            putRatio(r, "kafka_vs_baseline_ok", rate(prefix + "-kafka"), rate("baseline-ok"));
        }
        ObjectNode targets = root.putObject("targets");
        for (String label : labels()) {
            targets.set(label, targets(prefix(label)));
        }
        return root;
    }

    private List<String> labels() {
        List<String> labels = new ArrayList<>(List.of("current"));
        if (processes.keySet().stream().anyMatch(n -> n.startsWith("before-"))) {
            labels.add("before");
        }
        return labels;
    }

    private static String prefix(String label) {
        return label.equals("current") ? "service" : "before";
    }

    private static void putRatio(ObjectNode node, String name, Double a, Double b) {
        if (a != null && b != null && b > 0) {
            node.put(name, a / b);
        } else {
            node.putNull(name);
        }
    }

    private ObjectNode wrkOf(String process, String scenario) {
        return wrk.stream().filter(r -> r.path("process").asText().equals(process) && r.path("scenario").asText().equals(scenario))
                .findFirst().orElse(null);
    }

    private ObjectNode openOf(String process) {
        return open.stream().filter(r -> r.path("process").asText().equals(process)).findFirst().orElse(null);
    }

    private Double rate(String process) {
        ObjectNode r = wrkOf(process, "set-2");
        return r == null ? null : r.path("webhooks_per_s").asDouble();
    }

    private ArrayNode targets(String prefix) {
        ArrayNode list = JSON.createArrayNode();
        ObjectNode kafka = wrkOf(prefix + "-kafka", "set-2");
        Double kafkaRate = rate(prefix + "-kafka");
        Double logRate = rate(prefix + "-log");
        target(list, "Kafka sink webhooks/s (2 keys, wrk)", ">= 6,000", kafkaRate, kafkaRate == null ? null : kafkaRate >= KAFKA_WEBHOOKS_PER_S,
                fmt0(kafkaRate));
        Double records = kafka == null || !kafka.has("records_per_s") ? null : kafka.path("records_per_s").asDouble();
        Long missing = kafka == null || !kafka.has("records_missing") ? null : kafka.path("records_missing").asLong();
        target(list, "Kafka sink records/s, all counted in the topic", ">= 12,000, none missing", records,
                records == null ? null : records >= KAFKA_RECORDS_PER_S && missing == 0,
                records == null ? "n/a" : fmt0(records) + (missing == 0 ? ", none missing" : ", " + missing + " missing"));
        Double baseKafka = rate("baseline-kafka");
        Double kr = kafkaRate == null || baseKafka == null || baseKafka == 0 ? null : kafkaRate / baseKafka;
        target(list, "Kafka sink vs baseline (b) kafka", ">= 0.35x (stretch 0.5x)", kr, kr == null ? null : kr >= KAFKA_MIN_RATIO,
                fmtX(kr) + (kr != null && kr >= KAFKA_STRETCH_RATIO ? " (stretch met)" : ""));
        Double baseLog = rate("baseline-log");
        Double lr = logRate == null || baseLog == null || baseLog == 0 ? null : logRate / baseLog;
        target(list, "Log sink vs baseline (b) log", ">= 0.5x", lr, lr == null ? null : lr >= LOG_MIN_RATIO, fmtX(lr));
        for (String sink : List.of("log", "kafka")) {
            ObjectNode half = openOf(prefix + "-" + sink);
            Double p99 = half == null ? null : half.path("open").path("p99_ms").asDouble();
            boolean clean = half != null && half.path("open").path("errors").asLong() == 0 && half.path("open").path("non2xx").asLong() == 0
                    && half.path("open").path("unanswered").asLong() == 0;
            target(list, "p99 at half the peak rate, " + sink + " sink (open loop)", "< 20 ms", p99,
                    p99 == null ? null : p99 < HALF_PEAK_P99_MS && clean,
                    half == null ? "n/a" : fmt1(p99) + " ms at " + fmt0(half.path("open").path("rate").asDouble()) + "/s"
                            + (clean ? "" : ", with errors"));
        }
        // Start-up: the median of repeated starts where the run has them (the current service), else the one
        // start of its throughput phase; beside the floor, the same jar with one route that only answers OK.
        for (boolean appCdsArchive : List.of(false, true)) {
            String suffix = appCdsArchive ? "-appcds" : "";
            double goal = appCdsArchive ? STARTUP_APPCDS_MS : STARTUP_MS;
            Double floor = startupOf("floor-ok" + suffix, appCdsArchive ? null : processes.get("floor-ok"));
            String startupGoal = "<= " + fmt1(goal / 1000) + " s" + (floor == null ? "" : " (floor " + fmt2(floor / 1000) + " s)");
            for (String sink : List.of("log", "kafka")) {
                // Only the current jar has start-up series; the same rows for an older one read n/a.
                ObjectNode series = startups.get(prefix + "-" + sink + suffix);
                Double startup = startupOf(prefix + "-" + sink + suffix, appCdsArchive ? null : processes.get(prefix + "-" + sink));
                target(list, "Start-up to first answered webhook, " + sink + " sink" + (appCdsArchive ? ", the image's AppCDS archive" : ""),
                        startupGoal, startup, startup == null ? null : startup <= goal,
                        startup == null ? "n/a" : fmt2(startup / 1000) + " s" + (series == null ? "" : " (median of " + series.path("runs_ms").size() + ")"));
            }
        }
        // The spool: with Kafka away, the webhooks it takes; with no load, how fast spool-drain empties it. Both
        // against the Kafka sink of the same run.
        Double spoolRate = rate(prefix + "-spool-write");
        Double sr = spoolRate == null || kafkaRate == null || kafkaRate == 0 ? null : spoolRate / kafkaRate;
        target(list, "Kafka away: webhooks/s into the spool (2 keys, wrk)", ">= 0.5x the Kafka sink's", sr,
                sr == null ? null : sr >= SPOOL_VS_DIRECT, spoolRate == null ? "n/a" : fmt0(spoolRate) + " (" + fmtX(sr) + ")");
        ObjectNode drain = spoolDrains.get(prefix + "-spool-drain");
        Double drainRate = drain == null || !drain.has("records_per_s") ? null : drain.path("records_per_s").asDouble();
        Double dr = drainRate == null || records == null || records == 0 ? null : drainRate / records;
        boolean emptied = drain != null && drain.path("emptied").asBoolean(drain.hasNonNull("seconds"));
        boolean whole = emptied && drain.hasNonNull("messages_found")
                && drain.path("records_in_topic").asLong() >= drain.path("messages_found").asLong();
        long goal = drain == null ? 0 : drain.path("messages_goal").asLong(0);
        boolean large = drain != null && drain.path("messages_found").asLong() >= goal;
        target(list, "Spool drain, no load, from " + (goal > 0 ? fmt0((double) goal) + " or more" : "the spool's") + " messages: records/s, every message in the topic",
                ">= 0.5x the Kafka sink's records/s",
                dr, dr == null ? (drain == null ? null : false) : dr >= SPOOL_VS_DIRECT && whole && large,
                drain == null ? "n/a" : drainRate == null ? "not empty within " + drain.path("timeout_s").asLong() + " s"
                        : fmt0(drainRate) + " (" + fmtX(dr) + ") from " + fmt0(drain.path("messages_found").asDouble()) + " messages"
                                + (!emptied ? ", not empty within " + drain.path("timeout_s").asLong() + " s"
                                        : whole ? "" : ", " + (drain.path("messages_found").asLong() - drain.path("records_in_topic").asLong()) + " missing")
                                + (large ? "" : ", fewer than " + fmt0((double) goal)));
        Double rss = null;
        String worst = null;
        for (ObjectNode proc : processes.values()) {
            if (proc.path("name").asText().startsWith(prefix + "-") && proc.hasNonNull("rss_kb")) {
                double mb = proc.path("rss_kb").asDouble() * 1024 / 1e6;
                if (rss == null || mb > rss) {
                    rss = mb;
                    worst = proc.path("name").asText();
                }
            }
        }
        target(list, "Peak RSS (VmHWM), largest service process", "< 300 MB", rss, rss == null ? null : rss < RSS_MB,
                rss == null ? "n/a" : fmt0(rss) + " MB (" + worst + ")");
        return list;
    }

    /** The median of the start-up series of that name, else the single start of the process given. */
    private Double startupOf(String series, ObjectNode process) {
        ObjectNode s = startups.get(series);
        if (s != null && s.hasNonNull("median_ms")) {
            return s.path("median_ms").asDouble();
        }
        return process == null || !process.hasNonNull("startup_ms") ? null : process.path("startup_ms").asDouble();
    }

    private static void target(ArrayNode list, String name, String goal, Double value, Boolean pass, String shown) {
        ObjectNode t = list.addObject();
        t.put("target", name);
        t.put("goal", goal);
        if (value == null) {
            t.putNull("value");
        } else {
            t.put("value", value);
        }
        t.put("shown", shown);
        t.put("result", pass == null ? "n/a" : pass ? "PASS" : "MISS");
    }

    private String markdown(ObjectNode json) {
        StringBuilder md = new StringBuilder();
        String mode = meta.getProperty("mode", "full");
        md.append("# Benchmark ").append(meta.getProperty("timestamp", "")).append(" (").append(mode).append(" run)\n\n");
        md.append("Machine: ").append(meta.getProperty("nproc", "?")).append(" cores (`nproc`), ")
                .append(meta.getProperty("cpu_model", "?")).append(", ").append(meta.getProperty("memory", "?"))
                .append(" memory, kernel ").append(meta.getProperty("kernel", "?")).append(", ")
                .append(meta.getProperty("java_version", "?")).append(". Load average (1, 5, 15 min) at the start: ")
                .append(meta.getProperty("loadavg", "?"));
        if (meta.containsKey("loadavg_end")) {
            md.append(", at the end: ").append(meta.getProperty("loadavg_end"));
        }
        md.append(" (other work on the machine skews every figure).\n\n");
        md.append("Service: `").append(meta.getProperty("jar", "")).append("` (sha256 ").append(meta.getProperty("jar_sha256", "?"))
                .append("), routes ").append(meta.getProperty("routes", "")).append(", repository at ")
                .append(meta.getProperty("git", "?")).append(".");
        if (meta.containsKey("before_jar")) {
            md.append(" Before: `").append(meta.getProperty("before_jar")).append("` (sha256 ")
                    .append(meta.getProperty("before_jar_sha256", "?")).append("), routes ").append(meta.getProperty("before_routes", "")).append(".");
        }
        md.append("\nJVM options of the service and the baselines (`SERVICE_JAVA_OPTS`, from k8s/): `")
                .append(meta.getProperty("service_java_opts", "")).append("`.\n\n");
        md.append("Load: `wrk -t").append(meta.getProperty("threads")).append(" -c").append(meta.getProperty("connections"))
                .append("`, warm-up ").append(meta.getProperty("warmup_s")).append(" s, then ").append(meta.getProperty("duration_s"))
                .append(" s measured, per scenario; half-peak rate held open-loop for ").append(meta.getProperty("open_duration_s"))
                .append(" s after ").append(meta.getProperty("open_warmup_s")).append(" s at the same rate. One Kafka ")
                .append(meta.getProperty("kafka_version")).append(" broker (KRaft, single node, `src/main/scripts/kafka-dev.sh`) on ")
                .append(meta.getProperty("broker")).append(" for the whole run; each process its own topic, ")
                .append(meta.getProperty("partitions")).append(" partition(s), `cleanup.policy=compact`; records counted from the topics' end offsets before and after each measured phase.\n\n");

        md.append("## Targets\n\n");
        List<String> labels = labels();
        md.append("| Target | Goal |");
        labels.forEach(l -> md.append(" ").append(l).append(" | |"));
        md.append("\n| --- | --- |");
        labels.forEach(l -> md.append(" ---: | --- |"));
        md.append("\n");
        JsonNode first = json.path("targets").path("current");
        for (int i = 0; i < first.size(); i++) {
            md.append("| ").append(first.get(i).path("target").asText()).append(" | ").append(first.get(i).path("goal").asText()).append(" |");
            for (String l : labels) {
                JsonNode t = json.path("targets").path(l).get(i);
                md.append(" ").append(t.path("shown").asText()).append(" | **").append(t.path("result").asText()).append("** |");
            }
            md.append("\n");
        }

        md.append("\n## Peak throughput (wrk, closed loop)\n\n");
        md.append("| Process | Scenario | Webhooks/s | Records/s in topic | Counted / expected | p50 ms | p99 ms | p99.9 ms | max ms | Non-2xx | Socket errors |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ObjectNode r : wrk) {
            boolean kafka = r.hasNonNull("records_in_topic");
            md.append("| ").append(r.path("process").asText()).append(" | ").append(scenario(r.path("scenario").asText())).append(" | ")
                    .append(fmt0(r.path("webhooks_per_s").asDouble())).append(" | ")
                    .append(kafka ? fmt0(r.path("records_per_s").asDouble()) : "-").append(" | ")
                    .append(kafka ? r.path("records_in_topic").asLong() + " / " + r.path("records_expected").asLong()
                            + (r.path("spooled").asLong(0) > 0 ? " (" + r.path("spooled").asLong() + " spooled)" : "") : "-").append(" | ")
                    .append(fmt1(r.path("p50_ms").asDouble())).append(" | ").append(fmt1(r.path("p99_ms").asDouble())).append(" | ")
                    .append(fmt1(r.path("p999_ms").asDouble())).append(" | ").append(fmt1(r.path("max_ms").asDouble())).append(" | ")
                    .append(r.path("non2xx").asLong()).append(" | ").append(r.path("socket_errors").asLong()).append(" |\n");
        }

        if (!open.isEmpty()) {
            md.append("\n## At half the peak rate (open loop, fixed rate)\n\n");
            md.append("The rate is held by `live.webhook.bench.OpenLoopLoad`: request i is due at start + i/rate, a 1 ms timer sends "
                    + "whatever is due whether or not earlier answers came back (at most ").append(meta.getProperty("connections"))
                    .append(" connections, the rest wait on the clock), and each latency runs from the request's intended send time, "
                            + "so a stall is not hidden (coordinated omission corrected). The rate is half of the same process's "
                            + "wrk webhooks/s above.\n\n");
            md.append("| Process | Rate held /s | Answered | Records in topic / expected (warm-up included) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Non-2xx | Errors | Unanswered | Generator lag max ms |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (ObjectNode r : open) {
                JsonNode o = r.path("open");
                md.append("| ").append(r.path("process").asText()).append(" | ").append(fmt0(o.path("rate").asDouble())).append(" | ")
                        .append(o.path("answered").asLong()).append(" / ").append(o.path("intended").asLong()).append(" | ")
                        .append(r.hasNonNull("records_in_topic") ? r.path("records_in_topic").asLong() + " / "
                                + r.path("keys").asLong() * (o.path("warmup_ok").asLong() + o.path("ok").asLong()) : "-").append(" | ")
                        .append(fmt1(o.path("p50_ms").asDouble())).append(" | ").append(fmt1(o.path("p90_ms").asDouble())).append(" | ")
                        .append(fmt1(o.path("p99_ms").asDouble())).append(" | ").append(fmt1(o.path("p999_ms").asDouble())).append(" | ")
                        .append(fmt1(o.path("max_ms").asDouble())).append(" | ").append(o.path("non2xx").asLong()).append(" | ")
                        .append(o.path("errors").asLong()).append(" | ").append(o.path("unanswered").asLong()).append(" | ")
                        .append(fmt1(o.path("max_send_lag_ms").asDouble())).append(" |\n");
            }
        }

        if (!spoolDrains.isEmpty()) {
            md.append("\n## The spool\n\n");
            md.append("`*-spool-write`: the Kafka sink with `KAFKA_BROKERS` on a port where nothing listens, so every webhook goes to "
                    + "the spool (its wrk phase is in the table above). `*-spool-drain`: the same jar started again on that spool with "
                    + "the broker up and no load; the time runs from its first answered webhook until `tencent_spool_depth` reads 0, "
                    + "and the records are counted in its own topic.\n\n");
            md.append("| Process | Messages spooled | Messages found at start | Records in topic | Seconds to empty | Records/s |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (ObjectNode d : spoolDrains.values()) {
                String writer = d.path("process").asText().replace("-spool-drain", "-spool-write");
                ObjectNode w = spoolWrites.get(writer);
                md.append("| ").append(d.path("process").asText()).append(" | ")
                        .append(w == null || !w.hasNonNull("messages_written") ? "n/a" : fmt0(w.path("messages_written").asDouble())).append(" | ")
                        .append(d.hasNonNull("messages_found") ? fmt0(d.path("messages_found").asDouble()) : "n/a").append(" | ")
                        .append(fmt0(d.path("records_in_topic").asDouble())).append(" | ")
                        .append(d.hasNonNull("seconds") ? fmt1(d.path("seconds").asDouble()) : "> " + d.path("timeout_s").asLong()).append(" | ")
                        .append(d.has("records_per_s") ? fmt0(d.path("records_per_s").asDouble()) : "n/a").append(" |\n");
            }
        }

        ObjectNode plainNode = wrkOf("service-kafka-plaintext-node", "set-2");
        ObjectNode saslSsl = wrkOf("service-kafka-sasl-ssl", "set-2");
        if (plainNode != null && saslSsl != null) {
            double plainRate = plainNode.path("webhooks_per_s").asDouble();
            double saslRate = saslSsl.path("webhooks_per_s").asDouble();
            md.append("\n## Secured Kafka\n\n");
            md.append("One Kafka node with a SASL_SSL listener (SCRAM-SHA-512, a certificate signed by a CA the run makes with "
                    + "keytool) beside its PLAINTEXT one (`live.webhook.bench.SecureKafka`); the Kafka sink through each, the same "
                    + "jar, node and load (their wrk phases are in the table above). SASL_SSL answered **")
                    .append(fmt0(saslRate)).append("** webhooks/s against ").append(fmt0(plainRate)).append(" over PLAINTEXT (")
                    .append(fmtX(plainRate > 0 ? saslRate / plainRate : null)).append("); p99 ")
                    .append(fmt1(saslSsl.path("p99_ms").asDouble())).append(" ms against ").append(fmt1(plainNode.path("p99_ms").asDouble()))
                    .append(" ms; records counted ").append(saslSsl.path("records_in_topic").asLong()).append(" / ")
                    .append(saslSsl.path("records_expected").asLong()).append(".\n");
        }

        md.append("\n## Processes\n\n");
        md.append("| Process | What | Start-up to first answered webhook | Peak RSS (VmHWM) |\n| --- | --- | ---: | ---: |\n");
        for (ObjectNode p : processes.values()) {
            md.append("| ").append(p.path("name").asText()).append(" | ").append(p.path("what").asText()).append(" | ")
                    .append(p.hasNonNull("startup_ms") ? fmt2(p.path("startup_ms").asDouble() / 1000) + " s" : "n/a").append(" | ")
                    .append(p.hasNonNull("rss_kb") ? fmt0(p.path("rss_kb").asDouble() * 1024 / 1e6) + " MB" : "n/a").append(" |\n");
        }

        if (!startups.isEmpty()) {
            md.append("\n## Start-up, repeated\n\n");
            md.append("Each command line started ").append(startups.values().iterator().next().path("runs_ms").size())
                    .append(" times, one after the other, from just before `java` until the first 200 answer to a real webhook. ")
                    .append("With the archive: made by `k8s/plain/appcds-archive.sh` as `k8s/plain/Dockerfile` makes it, then ")
                    .append("`-XX:SharedArchiveFile=<it> -Xshare:on` (a start that cannot map it fails)")
                    .append(appCds == null ? "" : "; archive " + fmt0(appCds.path("archive_kb").asDouble() / 1024) + " MiB")
                    .append(".\n\n");
            md.append("| Command line | What | Median | Fastest | Runs (ms) | Peak RSS of the last |\n| --- | --- | ---: | ---: | --- | ---: |\n");
            for (ObjectNode st : startups.values()) {
                List<String> runs = new ArrayList<>();
                st.path("runs_ms").forEach(n -> runs.add(String.valueOf(n.asLong())));
                md.append("| ").append(st.path("name").asText()).append(" | ").append(st.path("what").asText()).append(" | ")
                        .append(st.hasNonNull("median_ms") ? fmt2(st.path("median_ms").asDouble() / 1000) + " s" : "n/a").append(" | ")
                        .append(st.hasNonNull("min_ms") ? fmt2(st.path("min_ms").asDouble() / 1000) + " s" : "n/a").append(" | ")
                        .append(String.join(", ", runs)).append(" | ")
                        .append(st.hasNonNull("rss_kb") ? fmt0(st.path("rss_kb").asDouble() * 1024 / 1e6) + " MB" : "n/a").append(" |\n");
            }
        }

        md.append("\n## Service / baseline (webhooks/s, 2-key SetMetadata, wrk)\n\n| Ratio |");
        labels.forEach(l -> md.append(" ").append(l).append(" |"));
        md.append("\n| --- |");
        labels.forEach(l -> md.append(" ---: |"));
        md.append("\n");
        for (String[] ratio : new String[][] {
                {"log_vs_baseline_log", "service log / baseline (b) log"},
                {"kafka_vs_baseline_kafka", "service kafka / baseline (b) kafka"},
                {"log_vs_baseline_ok", "service log / baseline (a) bare OK"},
                {"kafka_vs_baseline_ok", "service kafka / baseline (a) bare OK"}}) {
            md.append("| ").append(ratio[1]).append(" |");
            for (String l : labels) {
                JsonNode v = json.path("ratios").path(l).path(ratio[0]);
                md.append(" ").append(v.isNull() || v.isMissingNode() ? "n/a" : fmtX(v.asDouble())).append(" |");
            }
            md.append("\n");
        }

        if (producerPerf != null) {
            md.append("\n## Kafka producer ceiling (org.apache.kafka.tools.ProducerPerformance ").append(meta.getProperty("kafka_version"))
                    .append(")\n\n");
            md.append(producerPerf.path("records").asLong()).append(" records of ").append(producerPerf.path("record_size").asLong())
                    .append(" bytes (the size of one message), acks=all, idempotence, linger.ms ")
                    .append(producerPerf.path("linger_ms").asText()).append(", no key, unthrottled: **")
                    .append(fmt0(producerPerf.path("records_per_s").asDouble())).append(" records/s** (")
                    .append(fmt2(producerPerf.path("mb_per_s").asDouble())).append(" MB/s), latency avg ")
                    .append(fmt1(producerPerf.path("avg_ms").asDouble())).append(" ms, p50 ").append(producerPerf.path("p50_ms").asText())
                    .append(" ms, p99 ").append(producerPerf.path("p99_ms").asText()).append(" ms (queued in the producer's buffer: "
                            + "only the rate is a ceiling); ").append(producerPerf.path("records_in_topic").asText())
                    .append(" records counted in the topic.\n");
        }

        md.append("\n## Reading it\n\n");
        md.append("- Webhooks/s counts 2xx answers per second of the measured phase; records/s counts what arrived in the topic "
                + "(end offsets after minus before) per second of the same phase. Expected records = 2xx answers x keys; requests "
                + "still in flight when wrk stops can add up to connections x keys, so counted may exceed expected, never fall short.\n");
        md.append("- wrk, the process under test, the broker and (for the Kafka sink) the spool share the machine's cores; "
                + "compare figures of the same run, not across runs or machines.\n");
        md.append("- Baselines: (a) `BaselineOkServer`, Vert.x answering the fixed OK; (b) `BaselineReceiver`, Vert.x + Jackson + "
                + "KafkaProducer doing the service's checks and sink by hand (log variant: one logback console line per message). "
                + "Sources in `bench/src/main/java/live/webhook/bench/`.\n");
        return md.toString();
    }

    private static String scenario(String s) {
        return switch (s) {
            case "set-2" -> "SetMetadata, 2 keys";
            case "signed-set-10" -> "SetMetadata, 10 keys, signed";
            default -> s;
        };
    }

    private static String fmt0(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt1(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt2(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmtX(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, v < 0.1 ? "%.3fx" : "%.2fx", v);
    }
}
