package live.webhook.bench;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault run of the packaged service (its Kafka sink) against a 3-node {@link KafkaCluster}: a
 * steady webhook load all along, faults injected one after the other with quiet periods between
 * them, then the whole topic read back and checked against every answer the service gave.
 *
 * <p>What it holds the service to is the README's delivery guarantee: a webhook answered 200 has
 * every message on the topic (acknowledged by Kafka, or fsynced in the spool and delivered later by
 * spool-drain), and a key's records keep the order of its webhooks. So the load is shaped as Tencent
 * sends one room's webhooks: many lanes, each owning a few keys and sending one webhook at a time,
 * the next only once the previous was answered, values increasing per key; a lane's next webhook is
 * due on a fixed clock shared by all lanes, so the rate holds whatever the answers take, as long as
 * enough lanes are idle (the lag behind the clock is reported). A key's last record on the topic
 * must then carry the newest value answered 200 for it (or a newer one the service took but did not
 * answer 200, e.g. when it was killed mid-request).
 *
 * <h2>Faults</h2>
 * <ul>
 * <li>{@link Kind#LEADER_KILL}: SIGKILL of the node leading partition 0, started again after the hold;
 * every {@code acks=all} produce stalls until the controller fences it
 * ({@code broker.session.timeout.ms}).</li>
 * <li>{@link Kind#BROKER_PAUSE}: SIGSTOP of the node leading partition 1 for the hold, then SIGCONT;
 * shorter than the session timeout it is not fenced and stays in every ISR, so produces stall.</li>
 * <li>{@link Kind#ROLLING_RESTART}: {@link KafkaCluster#rollingRestart()}.</li>
 * <li>{@link Kind#SERVICE_KILL}: SIGKILL of the service, started again at once on the same
 * {@code SPOOL_DIR}; connections are refused until it listens again.</li>
 * </ul>
 * A fault ends when what it broke is back (the node serves, the node runs, the last node rolled, the
 * service is ready); the spool's recovery is the time from that end until its depth is 0.
 *
 * <h2>Monitors</h2>
 * While the service process is up: readiness ({@code /observe/health/ready}) every 200 ms, for the
 * longest continuous 503; the spool's depth and oldest age ({@code /observe/metrics}) every 500 ms.
 *
 * <p>Waits are bounded (Awaitility, deadlines); the only clock-paced waits are the scenario's own
 * durations (warm-up, fault holds, quiet periods) and the load's schedule.
 *
 * <p>{@link #main} runs the full scenario and writes {@code bench/results/faults-<timestamp>.json}
 * and {@code .md}; {@code bench/faults} is its command line. {@code KafkaClusterFaultsIT} runs a short
 * one.
 */
public final class FaultRun {

    static {
        // The service closes a connection idle for 5 s (http.idle.timeout.seconds); a pooled
        // connection reused at that moment would fail a POST that the service never saw. Only takes
        // effect if no HttpClient was made in this JVM before.
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "3");
        }
    }

    static final String SDKAPPID = "1400000001";
    static final String COMMAND = "Live.CallbackAfterSetMetadata";
    static final String QUERY = "?SdkAppid=" + SDKAPPID + "&CallbackCommand=" + COMMAND
            + "&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Statuses of an attempt that got no HTTP answer. */
    static final int REFUSED = -1;
    static final int IO_ERROR = -2;
    static final int TIMEOUT = -3;

    // --- What to run ------------------------------------------------------------------------------------

    public enum Kind {
        LEADER_KILL("leader-kill"),
        BROKER_PAUSE("broker-pause"),
        ROLLING_RESTART("rolling-restart"),
        SERVICE_KILL("service-kill");

        final String flag;

        Kind(String flag) {
            this.flag = flag;
        }

        static Kind of(String flag) {
            for (Kind k : values()) {
                if (k.flag.equals(flag)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no fault '" + flag + "': leader-kill, broker-pause, rolling-restart, service-kill");
        }
    }

    /** A fault and how long it is held (the killed node's downtime, the pause); zero where it has none. */
    public record Fault(Kind kind, Duration hold) {

        public static Fault leaderKill(Duration restartAfter) {
            return new Fault(Kind.LEADER_KILL, restartAfter);
        }

        public static Fault brokerPause(Duration pausedFor) {
            return new Fault(Kind.BROKER_PAUSE, pausedFor);
        }

        public static Fault rollingRestart() {
            return new Fault(Kind.ROLLING_RESTART, Duration.ZERO);
        }

        public static Fault serviceKill() {
            return new Fault(Kind.SERVICE_KILL, Duration.ZERO);
        }
    }

    /** The run's settings; every one has a default of the full scenario. */
    public static final class Settings {
        Path repo = Path.of("").toAbsolutePath();
        Path jar;
        Path workDir;
        int rate = 200;
        int lanes = 400;
        int keysPerLane = 4;
        int keysPerWebhook = 2;
        Duration warmup = Duration.ofSeconds(20);
        Duration quiet = Duration.ofSeconds(30);
        /** How long a quiet period goes on past its end while the spool still holds messages. */
        Duration quietExtension = Duration.ofSeconds(60);
        Duration drainBound = Duration.ofSeconds(120);
        Duration serviceStartBound = Duration.ofSeconds(120);
        List<Fault> faults = List.of(Fault.leaderKill(Duration.ofSeconds(10)), Fault.brokerPause(Duration.ofSeconds(8)),
                Fault.rollingRestart(), Fault.serviceKill());
        List<String> serviceJavaOptions = List.of();
        List<String> nodeJvmOptions = List.of("-XX:TieredStopAtLevel=1");
        Map<String, String> brokerProperties = new LinkedHashMap<>();
        Map<String, String> serviceEnv = new LinkedHashMap<>();
        String topic = "faults.room-metadata";
        String command;

        public Settings repo(Path repo) {
            this.repo = repo.toAbsolutePath();
            return this;
        }

        public Settings jar(Path jar) {
            this.jar = jar;
            return this;
        }

        /** Where the cluster, the spool, the service's logs and the answers go; emptied first. */
        public Settings workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Settings rate(int webhooksPerSecond) {
            this.rate = webhooksPerSecond;
            return this;
        }

        public Settings lanes(int lanes) {
            this.lanes = lanes;
            return this;
        }

        public Settings keysPerLane(int keysPerLane) {
            this.keysPerLane = keysPerLane;
            return this;
        }

        public Settings keysPerWebhook(int keysPerWebhook) {
            this.keysPerWebhook = keysPerWebhook;
            return this;
        }

        public Settings warmup(Duration warmup) {
            this.warmup = warmup;
            return this;
        }

        public Settings quiet(Duration quiet) {
            this.quiet = quiet;
            return this;
        }

        public Settings quietExtension(Duration quietExtension) {
            this.quietExtension = quietExtension;
            return this;
        }

        public Settings drainBound(Duration drainBound) {
            this.drainBound = drainBound;
            return this;
        }

        public Settings faults(List<Fault> faults) {
            this.faults = List.copyOf(faults);
            return this;
        }

        public Settings serviceJavaOptions(List<String> options) {
            this.serviceJavaOptions = List.copyOf(options);
            return this;
        }

        public Settings nodeJvmOptions(List<String> options) {
            this.nodeJvmOptions = List.copyOf(options);
            return this;
        }

        public Settings brokerProperty(String key, String value) {
            this.brokerProperties.put(key, value);
            return this;
        }

        public Settings serviceEnv(String key, String value) {
            this.serviceEnv.put(key, value);
            return this;
        }

        /** The command line that reruns this run, for the report. */
        public Settings command(String command) {
            this.command = command;
            return this;
        }

        Path jarPath() {
            return jar != null ? repo.resolve(jar) : repo.resolve("target/tencent-live-webhook.jar");
        }

        Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("rate_per_s", rate);
            d.put("lanes", lanes);
            d.put("keys_per_lane", keysPerLane);
            d.put("keys_per_webhook", keysPerWebhook);
            d.put("warmup_s", warmup.toMillis() / 1000.0);
            d.put("quiet_s", quiet.toMillis() / 1000.0);
            d.put("quiet_extension_s", quietExtension.toMillis() / 1000.0);
            d.put("drain_bound_s", drainBound.toMillis() / 1000.0);
            d.put("faults", faults.stream().map(f -> f.kind().flag + (f.hold().isZero() ? "" : " " + f.hold().toMillis() / 1000.0 + " s"))
                    .toList());
            d.put("topic", topic);
            d.put("service_java_options", String.join(" ", serviceJavaOptions));
            d.put("node_jvm_options", String.join(" ", nodeJvmOptions));
            d.put("broker_properties", brokerProperties);
            d.put("service_env", serviceEnv);
            d.put("jar", repo.relativize(jarPath()).toString());
            d.put("command", command);
            return d;
        }
    }

    // --- What it found ----------------------------------------------------------------------------------

    public record Result(String timestamp, String startedAt, Map<String, Object> settings, Machine machine, Answers answers,
            TopicCheck topic,
            Readiness readiness, SpoolFigures spool, List<FaultTiming> faults, Logs logs, List<Target> targets,
            Map<String, Long> phasesMs) {

        public boolean allPass() {
            return targets.stream().allMatch(Target::pass);
        }
    }

    public record Machine(int nproc, String cpu, String memory, String kernel, String java, String kafka, String git,
            String loadavgStart, String loadavgEnd, List<String> otherBenchmarksAtStart, List<String> otherBenchmarksAtEnd) {
    }

    /**
     * Every attempt's outcome. Refused connections and I/O errors (no HTTP answer) are split by whether
     * they happened while the service process was down (from its SIGKILL until it was ready again).
     */
    public record Answers(long sent, long ok, long okMessages, long notFound, Map<String, Long> otherStatuses,
            long refusedWhileDown, long refusedWhileUp, long ioErrorsWhileDown, long ioErrorsWhileUp, long timeouts,
            double p50Ms, double p99Ms, double maxMs, long over2s, Map<String, Long> over2sBySpan, double generatorLagMaxMs,
            long lateOver100ms, List<String> examples) {
    }

    /**
     * The topic read back. A message is RoomId, Key and Value; {@code missing} counts the messages of
     * 200 answers that are not there. A key ends older when its last record carries an older value
     * than the newest answered 200 for it; it ends newer when the last one is of a webhook that got no
     * 200 (its outcome unknown to the sender), which the guarantee allows.
     */
    public record TopicCheck(long records, long distinctIds, long duplicateRecords, long idsMoreThanOnce, long missing,
            List<String> missingExamples, long keys, long keysEndingOlder, List<String> olderExamples, long keysEndingNewer,
            long regressions, long timestampMismatches, long notAnsweredOk, long unknown, Map<String, Long> duplicatesBySpan,
            long readMs) {
    }

    public record Period(long fromMs, long toMs, String detail) {
        long length() {
            return toMs - fromMs;
        }
    }

    public record Readiness(long polls, long upPolls, long downPolls, long failedPolls, long longestDownMs,
            List<Period> downPeriods) {
    }

    public record Sample(long atMs, long depth, double oldestAgeSeconds) {
    }

    public record SpoolFigures(long peakDepth, double peakOldestAgeSeconds, long loadStoppedAtMs, Long emptyAfterLoadStopMs,
            long depthAtEnd, List<Sample> timeline) {
    }

    /**
     * A fault: when it started and ended (ms since the run's start), and over its span (from its start
     * to the next fault's, or to the end of the load): the spool's deepest point, the answers sent,
     * the log lines. {@code spoolFirstEmptyAfterEndMs} is the first sample of depth 0 after its end;
     * {@code spoolEmptyAfterEndMs} the first after which the spool stayed empty to the span's end (a
     * spool that empties and starts holding again, e.g. at a restarted service's first webhooks, has
     * not recovered); null when the span ended with the spool holding.
     */
    public record FaultTiming(String step, String name, String what, long startMs, long endMs, String startedAt,
            long peakDepth, Long spoolFirstEmptyAfterEndMs, Long spoolEmptyAfterEndMs, long answers, long nonOk, long refused,
            double maxAnswerMs, long over2s, long duplicates, long logLines, Map<String, Object> details) {
    }

    public record LogGroup(String level, String logger, String message, long count, String first, String last,
            Map<String, Long> bySpan) {
    }

    public record Logs(List<String> files, long warn, long error, List<LogGroup> groups) {
    }

    public record Target(String name, String goal, String actual, boolean pass) {
    }

    // --- Running it ------------------------------------------------------------------------------------

    public static Result run(Settings settings) throws Exception {
        return new FaultRun(settings).execute();
    }

    private final Settings s;
    private final Path work;
    private final long t0 = System.nanoTime();
    private final long t0Wall = System.currentTimeMillis();
    private final String timestamp = STAMP.format(Instant.ofEpochMilli(t0Wall));
    private final int httpPort;
    private final int managementPort;
    private final List<Period> downWindows = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private Service service;
    private Monitors monitors;
    private Load load;

    private FaultRun(Settings settings) {
        this.s = settings;
        if (s.keysPerWebhook < 1 || s.keysPerLane % s.keysPerWebhook != 0) {
            throw new IllegalArgumentException("keys per lane (" + s.keysPerLane + ") must be a multiple of keys per webhook ("
                    + s.keysPerWebhook + ")");
        }
        if (s.rate < 1 || s.lanes < 1) {
            throw new IllegalArgumentException("rate and lanes must be 1 or more");
        }
        this.work = (s.workDir != null ? s.workDir : s.repo.resolve("target/faults/" + timestamp)).toAbsolutePath();
        int[] ports = freePorts(2);
        this.httpPort = ports[0];
        this.managementPort = ports[1];
    }

    long ms() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[faults %s +%5.1fs] %s%n", TIME.format(Instant.now()), ms() / 1000.0,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private Result execute() throws Exception {
        if (!Files.isRegularFile(s.jarPath())) {
            throw new IllegalStateException(s.jarPath() + " is missing: run mvn package first");
        }
        FileUtil.removeDir(work.toFile());
        Files.createDirectories(work);
        String loadStart = loadavg();
        List<String> othersAtStart = otherBenchmarks();
        List<FaultTiming> timings = new ArrayList<>();
        List<long[]> faultSpans = new ArrayList<>();
        List<Map<String, Object>> faultDetails = new ArrayList<>();
        List<String> faultWhat = new ArrayList<>();
        List<String> faultStartedAt = new ArrayList<>();
        long loadStopped;
        Long emptyAfterLoad;
        TopicCheck topic;
        KafkaCluster kafka = new KafkaCluster(3, work.resolve("kafka"));
        try (kafka) {
            s.brokerProperties.forEach(kafka::withBrokerProperty);
            kafka.withJvmOptions(s.nodeJvmOptions.toArray(String[]::new));
            log("starting 3 Kafka nodes in %s", work.resolve("kafka"));
            kafka.start();
            phases.put("cluster_started", ms());
            kafka.createTopic(s.topic, 3, 3, Map.of(
                    "min.insync.replicas", "2",
                    "cleanup.policy", "compact",
                    // Compaction must not remove anything the check reads back.
                    "min.compaction.lag.ms", String.valueOf(Long.MAX_VALUE)));
            log("cluster up: %s; topic %s (3 partitions, RF 3, min.insync.replicas 2, compacted)", kafka, s.topic);

            Map<String, String> env = new LinkedHashMap<>();
            env.put("TENCENT_SDKAPPID", SDKAPPID);
            env.put("SINK", "kafka");
            env.put("KAFKA_BROKERS", kafka.bootstrapServers());
            env.put("KAFKA_TOPIC", s.topic);
            env.put("SPOOL_DIR", work.resolve("spool").toString());
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
            env.putAll(s.serviceEnv);
            service = new Service(env);
            monitors = new Monitors();
            load = new Load();

            startService();
            phases.put("service_ready", ms());
            load.start();
            phases.put("load_started", ms());
            log("load: %d webhooks/s of %d keys, %d lanes of %d keys", s.rate, s.keysPerWebhook, s.lanes, s.keysPerLane);
            hold(s.warmup);

            char step = 'a';
            for (int i = 0; i < s.faults.size(); i++, step++) {
                Fault fault = s.faults.get(i);
                long start = ms();
                faultStartedAt.add(Instant.ofEpochMilli(t0Wall + start).toString());
                Map<String, Object> details = new LinkedHashMap<>();
                String what = inject(kafka, fault, details);
                long end = ms();
                log("(%s) %s: ended after %.1f s", step, what, (end - start) / 1000.0);
                faultSpans.add(new long[] {start, end});
                faultDetails.add(details);
                faultWhat.add(what);
                quiet(end, kafka, fault, details);
            }

            loadStopped = ms();
            load.stop(Duration.ofSeconds(60));
            log("load stopped: %d webhooks sent", load.attempts.size());
            emptyAfterLoad = awaitSpoolEmpty(loadStopped, s.drainBound);
            log("spool %s", emptyAfterLoad == null ? "NOT empty within " + s.drainBound.toSeconds() + " s of the load's end"
                    : "empty " + emptyAfterLoad + " ms after the load stopped");
            monitors.stop();
            phases.put("load_stopped", loadStopped);
            // SIGTERM, so that the service's log ends with its own stop lines; what the spool still
            // holds (when it did not empty) stays there and counts as missing.
            int code = service.terminate(Duration.ofSeconds(60));
            log("service stopped (exit %d)", code);
            long reading = ms();
            topic = readBack(kafka, faultSpans, loadStopped);
            phases.put("read_back_ms", ms() - reading);
            log("topic read back: %d records in %d ms", topic.records(), topic.readMs());
        } finally {
            if (load != null) {
                load.close();
            }
            if (monitors != null) {
                monitors.close();
            }
            if (service != null) {
                service.close();
            }
        }
        phases.put("total", ms());

        List<Attempt> attempts = load.sorted();
        writeAnswers(attempts);
        Answers answers = answers(attempts, faultSpans, loadStopped);
        List<Sample> samples = monitors.samples();
        Logs logs = logs(faultSpans, loadStopped);
        for (int i = 0; i < faultSpans.size(); i++) {
            long start = faultSpans.get(i)[0];
            long end = faultSpans.get(i)[1];
            long until = i + 1 < faultSpans.size() ? faultSpans.get(i + 1)[0] : loadStopped;
            String step = String.valueOf((char) ('a' + i));
            timings.add(timing(step, s.faults.get(i), faultWhat.get(i), start, end, until, faultStartedAt.get(i), samples,
                    attempts, logs, topic.duplicatesBySpan().getOrDefault(step, 0L), faultDetails.get(i)));
        }
        long peak = samples.stream().mapToLong(Sample::depth).max().orElse(0);
        double peakAge = samples.stream().mapToDouble(Sample::oldestAgeSeconds).max().orElse(0);
        long depthAtEnd = samples.isEmpty() ? -1 : samples.get(samples.size() - 1).depth();
        SpoolFigures spool = new SpoolFigures(peak, peakAge, loadStopped, emptyAfterLoad, depthAtEnd, samples);
        Readiness readiness = monitors.readiness();
        Machine machine = new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), memory(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                AppInfoParser.getVersion(), gitRevision(), loadStart, loadavg(), othersAtStart, otherBenchmarks());
        String startedAt = Instant.ofEpochMilli(t0Wall).toString();
        Result partial = new Result(timestamp, startedAt, s.describe(), machine, answers, topic, readiness, spool, timings,
                logs, List.of(), phases);
        return new Result(timestamp, startedAt, s.describe(), machine, answers, topic, readiness, spool, timings, logs,
                targets(partial), phases);
    }

    private void startService() {
        Path logFile = service.start();
        try {
            service.awaitReady(s.serviceStartBound);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the service did not become ready, see " + logFile + ": " + e.getMessage(), e);
        }
        monitors.serviceUp();
        log("service ready (pid %d, log %s)", service.pid(), work.relativize(logFile));
    }

    /** Injects the fault and returns once it is over (what it broke is back); says what it did. */
    private String inject(KafkaCluster kafka, Fault fault, Map<String, Object> details) {
        switch (fault.kind()) {
            case LEADER_KILL -> {
                int victim = kafka.leaderOf(s.topic, 0);
                long start = ms();
                kafka.kill(victim);
                log("SIGKILL node %d (leader of partition 0)", victim);
                details.put("node", victim);
                try {
                    kafka.awaitFenced(victim, fault.hold());
                    details.put("fenced_after_ms", ms() - start);
                } catch (ConditionTimeoutException notYet) {
                    details.put("fenced_after_ms", null);
                }
                holdUntil(start + fault.hold().toMillis());
                long starting = ms();
                kafka.start(victim);
                details.put("node_serving_after_start_ms", ms() - starting);
                return "SIGKILL of node " + victim + " (leader of partition 0), started again after "
                        + fault.hold().toSeconds() + " s";
            }
            case BROKER_PAUSE -> {
                int victim = kafka.leaderOf(s.topic, 1);
                long start = ms();
                kafka.pause(victim);
                log("SIGSTOP node %d (leader of partition 1)", victim);
                details.put("node", victim);
                holdUntil(start + fault.hold().toMillis());
                kafka.resume(victim);
                return "SIGSTOP of node " + victim + " (leader of partition 1) for " + fault.hold().toSeconds()
                        + " s, then SIGCONT";
            }
            case ROLLING_RESTART -> {
                log("rolling restart of the 3 nodes");
                kafka.rollingRestart();
                return "rolling restart of the 3 nodes (SIGTERM, start, full ISR; the active controller last)";
            }
            case SERVICE_KILL -> {
                long start = ms();
                monitors.serviceDown();
                long pid = service.pid();
                service.kill();
                log("SIGKILL the service (pid %d)", pid);
                startService();
                long ready = ms();
                downWindows.add(new Period(start, ready, "service killed and started again"));
                details.put("down_until_ready_ms", ready - start);
                return "SIGKILL of the service, started again at once on the same SPOOL_DIR";
            }
            default -> throw new IllegalStateException(fault.kind().toString());
        }
    }

    /**
     * The quiet period after a fault: load only, for the set time, then on (bounded) while the spool
     * still holds messages, so that each fault's recovery shows before the next fault starts.
     */
    private void quiet(long faultEnd, KafkaCluster kafka, Fault fault, Map<String, Object> details) {
        long until = faultEnd + s.quiet.toMillis();
        if (fault.kind() == Kind.LEADER_KILL || fault.kind() == Kind.BROKER_PAUSE) {
            try {
                kafka.awaitFullIsr(s.topic, s.quiet);
                details.put("full_isr_after_end_ms", ms() - faultEnd);
            } catch (ConditionTimeoutException notYet) {
                details.put("full_isr_after_end_ms", null);
            }
        }
        holdUntil(until);
        long depth = monitors.lastDepth();
        if (depth != 0) {
            log("spool still holds %d messages %d s after the fault's end; waiting up to %d s more", depth,
                    s.quiet.toSeconds(), s.quietExtension.toSeconds());
            Long empty = awaitSpoolEmpty(ms(), s.quietExtension);
            log("spool %s", empty == null ? "still holding" : "empty");
        }
    }

    /** Waits (bounded) until a spool sample taken after {@code since} shows depth 0; ms after since, or null. */
    private Long awaitSpoolEmpty(long since, Duration within) {
        try {
            await("spool empty").atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        checkService();
                        return monitors.emptySince(since) != null;
                    });
        } catch (ConditionTimeoutException e) {
            return null;
        }
        return monitors.emptySince(since) - since;
    }

    /**
     * The scenario's own durations (warm-up, a fault's hold, quiet periods): on the clock, not waiting
     * for anything, but it fails at once if the service process dies when it should be up.
     */
    private void hold(Duration d) {
        holdUntil(ms() + d.toMillis());
    }

    private void holdUntil(long untilMs) {
        while (true) {
            long left = untilMs - ms();
            if (left <= 0) {
                return;
            }
            checkService();
            LockSupport.parkNanos(Math.min(left, 100) * 1_000_000L);
        }
    }

    private void checkService() {
        if (monitors.isUp() && !service.alive()) {
            throw new IllegalStateException("the service exited on its own (" + service.exitCode() + "), see "
                    + service.currentLog());
        }
    }

    private boolean inDownWindow(long atMs) {
        synchronized (downWindows) {
            return downWindows.stream().anyMatch(w -> atMs >= w.fromMs() && atMs <= w.toMs());
        }
    }

    // --- The load ---------------------------------------------------------------------------------------

    /** A webhook sent: its lane and number there, its keys' pair, EventTime, and what came back when. */
    record Attempt(int lane, long n, int pair, long eventTime, long sentMs, long answeredMs, int status, String error) {
        long durationMs() {
            return answeredMs - sentMs;
        }
    }

    /** A lane: its own keys, one webhook at a time. Touched by one thread at a time (the dispatcher, then a completion). */
    static final class Lane {
        final int id;
        final String room;
        long sent;

        Lane(int id) {
            this.id = id;
            this.room = "lane-" + id;
        }
    }

    /**
     * The load generator. Webhook i of the run is due at start + i / rate; the dispatcher gives it to
     * the lane idle longest when it is due, or as soon as one is idle when none is (the lag behind the
     * clock is recorded, and the run catches up, so the count of webhooks holds).
     */
    final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        final LinkedBlockingQueue<Lane> idle = new LinkedBlockingQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong maxLagNanos = new AtomicLong();
        final AtomicLong lateOver100ms = new AtomicLong();
        final ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("fault-load-http"));
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(callbacks).build();
        final URI uri = URI.create("http://127.0.0.1:" + httpPort + "/callback" + QUERY);
        final int pairs = s.keysPerLane / s.keysPerWebhook;
        volatile boolean stopping;
        Thread dispatcher;

        Load() {
            for (int i = 0; i < s.lanes; i++) {
                idle.add(new Lane(i));
            }
        }

        void start() {
            dispatcher = new Thread(this::dispatch, "fault-load-dispatcher");
            dispatcher.setDaemon(true);
            dispatcher.start();
        }

        private void dispatch() {
            long start = System.nanoTime();
            double period = 1e9 / s.rate;
            for (long slot = 0; !stopping; ) {
                long due = start + (long) (slot * period);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                    continue;
                }
                Lane lane;
                try {
                    lane = idle.poll(50, MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (lane == null) {
                    continue;
                }
                long lag = System.nanoTime() - due;
                maxLagNanos.accumulateAndGet(lag, Math::max);
                if (lag > 100_000_000L) {
                    lateOver100ms.incrementAndGet();
                }
                send(lane);
                slot++;
            }
        }

        private void send(Lane lane) {
            long n = ++lane.sent;
            int pair = (int) ((n - 1) % pairs);
            long eventTime = System.currentTimeMillis();
            StringBuilder body = new StringBuilder(256).append("{\"CallbackCommand\":\"").append(COMMAND)
                    .append("\",\"Operator_Account\":\"fault-run\",\"RoomId\":\"").append(lane.room).append("\",\"Metadata\":[");
            for (int k = 0; k < s.keysPerWebhook; k++) {
                body.append(k == 0 ? "" : ",").append("{\"Key\":\"k").append(pair * s.keysPerWebhook + k)
                        .append("\",\"Value\":\"").append(n).append("\"}");
            }
            body.append("],\"EventTime\":").append(eventTime).append('}');
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            long sent = ms();
            inFlight.incrementAndGet();
            try {
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> done(lane, n, pair, eventTime, sent, response, error));
            } catch (RuntimeException e) {
                done(lane, n, pair, eventTime, sent, null, e);
            }
        }

        private void done(Lane lane, long n, int pair, long eventTime, long sent, HttpResponse<String> response,
                Throwable error) {
            long answered = ms();
            int status;
            String detail = null;
            if (response != null) {
                status = response.statusCode();
                if (status != 200) {
                    detail = response.body().length() > 200 ? response.body().substring(0, 200) : response.body();
                }
            } else {
                Throwable cause = error;
                while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                status = cause instanceof HttpConnectTimeoutException ? IO_ERROR
                        : cause instanceof HttpTimeoutException ? TIMEOUT
                        : cause instanceof ConnectException ? REFUSED : IO_ERROR;
                detail = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            }
            attempts.add(new Attempt(lane.id, n, pair, eventTime, sent, answered, status, detail));
            inFlight.decrementAndGet();
            idle.add(lane);
        }

        /** Stops sending and waits (bounded) for the answers of what is in flight. */
        void stop(Duration within) {
            stopping = true;
            try {
                dispatcher.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                await("in-flight webhooks answered").atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(20)).until(() -> inFlight.get() == 0);
            } catch (ConditionTimeoutException e) {
                log("%d webhooks still unanswered %d s after the load stopped", inFlight.get(), within.toSeconds());
            }
        }

        List<Attempt> sorted() {
            List<Attempt> list = new ArrayList<>(attempts);
            list.sort(Comparator.comparingLong(Attempt::sentMs));
            return list;
        }

        String keyOf(Attempt a, int k) {
            return "lane-" + a.lane() + "\n" + "k" + (a.pair() * s.keysPerWebhook + k);
        }

        @Override
        public void close() {
            stopping = true;
            callbacks.shutdownNow();
        }
    }

    // --- Monitors ---------------------------------------------------------------------------------------

    /** Readiness every 200 ms and the spool's gauges every 500 ms, while the service process is up. */
    final class Monitors implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemon("fault-monitor"));
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        private final URI ready = URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready");
        private final URI metrics = URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics");
        private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        private final List<Period> downPeriods = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean up;
        private volatile int epoch;
        private long polls;
        private long upPolls;
        private long downPolls;
        private long failedPolls;
        private long downSince = -1;
        private String downDetail;

        Monitors() {
            timer.scheduleWithFixedDelay(this::pollReadiness, 0, 200, MILLISECONDS);
            timer.scheduleWithFixedDelay(this::pollSpool, 0, 500, MILLISECONDS);
        }

        boolean isUp() {
            return up;
        }

        void serviceUp() {
            epoch++;
            up = true;
        }

        synchronized void serviceDown() {
            up = false;
            epoch++;
            closeDown(ms());
        }

        void stop() {
            serviceDown();
            timer.shutdown();
            try {
                timer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void pollReadiness() {
            if (!up) {
                return;
            }
            int e = epoch;
            long at = ms();
            int status;
            String body = null;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                body = r.body();
            } catch (IOException ex) {
                status = -1;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (!up || epoch != e) {
                    return;
                }
                polls++;
                if (status == 503) {
                    downPolls++;
                    if (downSince < 0) {
                        downSince = at;
                        downDetail = body == null ? null : body.replaceAll("\\s+", " ");
                    }
                } else {
                    closeDown(at);
                    if (status == 200) {
                        upPolls++;
                    } else {
                        failedPolls++;
                    }
                }
            }
        }

        private synchronized void closeDown(long at) {
            if (downSince >= 0) {
                downPeriods.add(new Period(downSince, at, downDetail));
                downSince = -1;
                downDetail = null;
            }
        }

        private static final Pattern DEPTH = Pattern.compile("(?m)^tencent_spool_depth(?:\\{[^}]*\\})? (\\S+)$");
        private static final Pattern AGE = Pattern.compile("(?m)^tencent_spool_oldest_age_seconds(?:\\{[^}]*\\})? (\\S+)$");

        private void pollSpool() {
            if (!up) {
                return;
            }
            int e = epoch;
            try {
                String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                long at = ms();
                Matcher depth = DEPTH.matcher(text);
                Matcher age = AGE.matcher(text);
                if (up && epoch == e && depth.find()) {
                    samples.add(new Sample(at, (long) Double.parseDouble(depth.group(1)),
                            age.find() ? Double.parseDouble(age.group(1)) : 0));
                }
            } catch (IOException | RuntimeException ex) {
                // A missed sample; the next one comes 500 ms later.
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        /** The time of the first sample at or after {@code since} with depth 0, or null. */
        Long emptySince(long since) {
            synchronized (samples) {
                for (Sample sample : samples) {
                    if (sample.atMs() >= since && sample.depth() == 0) {
                        return sample.atMs();
                    }
                }
            }
            return null;
        }

        long lastDepth() {
            synchronized (samples) {
                return samples.isEmpty() ? -1 : samples.get(samples.size() - 1).depth();
            }
        }

        List<Sample> samples() {
            synchronized (samples) {
                return List.copyOf(samples);
            }
        }

        synchronized Readiness readiness() {
            List<Period> periods;
            synchronized (downPeriods) {
                periods = List.copyOf(downPeriods);
            }
            long longest = periods.stream().mapToLong(Period::length).max().orElse(0);
            return new Readiness(polls, upPolls, downPolls, failedPolls, longest, periods);
        }

        @Override
        public void close() {
            up = false;
            timer.shutdownNow();
        }
    }

    // --- The service process ----------------------------------------------------------------------------

    /**
     * Starts the service's processes. One thread for the JVM's life: a child's parent-death signal
     * (setpriv --pdeathsig) fires when the thread that forked it ends, not only when the JVM does.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(daemon("fault-service-launcher"));
    private static final Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final String SETPRIV = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "setpriv")).filter(Files::isExecutable)
            .map(Path::toString).findFirst().orElse(null);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "fault-service-reaper"));
    }

    /** {@code java -jar target/tencent-live-webhook.jar} from the repository root (routes/ is relative). */
    final class Service implements AutoCloseable {
        private final Map<String, String> env;
        private final List<Path> logs = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        private Process process;

        Service(Map<String, String> env) {
            this.env = env;
        }

        Path start() {
            Path logFile = work.resolve("service-" + (logs.size() + 1) + ".log");
            logs.add(logFile);
            List<String> cmd = new ArrayList<>();
            if (SETPRIV != null) {
                cmd.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(s.serviceJavaOptions);
            cmd.add("-jar");
            cmd.add(s.jarPath().toString());
            ProcessBuilder b = new ProcessBuilder(cmd).directory(s.repo.toFile());
            b.environment().putAll(env);
            b.redirectErrorStream(true);
            b.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Future<Process> started = LAUNCHER.submit(b::start);
            try {
                process = started.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted starting the service", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot start the service: " + cmd, e);
            }
            LIVE.add(process);
            return logFile;
        }

        void awaitReady(Duration within) {
            URI uri = URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready");
            await("service ready").atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("service exited with " + process.exitValue());
                        }
                        try {
                            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        Integer exitCode() {
            return process == null || process.isAlive() ? null : process.exitValue();
        }

        long pid() {
            return process.pid();
        }

        Path currentLog() {
            return logs.get(logs.size() - 1);
        }

        /** SIGKILL; returns once the process is gone. */
        void kill() {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }

        /** SIGTERM, then SIGKILL if it has not exited within the bound; the exit code. */
        int terminate(Duration within) {
            process.destroy();
            try {
                if (!process.waitFor(within.toMillis(), MILLISECONDS)) {
                    log("service still running %d s after SIGTERM: SIGKILL", within.toSeconds());
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LIVE.remove(process);
            return process.exitValue();
        }

        private void awaitExit(Duration within) {
            try {
                if (!process.waitFor(within.toMillis(), MILLISECONDS)) {
                    throw new IllegalStateException("service (pid " + process.pid() + ") still there " + within + " after SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LIVE.remove(process);
        }

        List<Path> logs() {
            return List.copyOf(logs);
        }

        @Override
        public void close() {
            if (process != null && process.isAlive()) {
                kill();
            }
        }
    }

    // --- Reading the topic back -------------------------------------------------------------------------

    private record Last(int partition, long offset, long value) {
    }

    private TopicCheck readBack(KafkaCluster kafka, List<long[]> faultSpans, long loadStopped) {
        long start = ms();
        Map<String, Long> newestOk = new HashMap<>();
        Map<String, Long> newestSent = new HashMap<>();
        Map<String, Attempt> okMessages = new HashMap<>();
        Map<String, Attempt> sentMessages = new HashMap<>();
        Map<String, Long> duplicatesBySpan = new TreeMap<>();
        for (Attempt a : load.attempts) {
            for (int k = 0; k < s.keysPerWebhook; k++) {
                String key = load.keyOf(a, k);
                String message = key + "\n" + a.n();
                sentMessages.put(message, a);
                newestSent.merge(key, a.n(), Math::max);
                if (a.status() == 200) {
                    okMessages.put(message, a);
                    newestOk.merge(key, a.n(), Math::max);
                }
            }
        }

        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "fault-run-read-back");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, Integer> idCount = new HashMap<>();
        Map<String, Last> last = new HashMap<>();
        Set<String> found = new HashSet<>();
        Set<String> notOk = new HashSet<>();
        long[] counters = new long[4]; // records, regressions, timestamp mismatches, unknown
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = List.of(0, 1, 2).stream().map(p -> new TopicPartition(s.topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            await("read " + s.topic + " to its end " + end).atMost(Duration.ofSeconds(120)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            counters[0]++;
                            JsonNode key = JSON.readTree(r.key());
                            String k = key.get(0).asText() + "\n" + key.get(1).asText();
                            JsonNode value = JSON.readTree(r.value());
                            long v = Long.parseLong(value.path("Value").asText("-1"));
                            String message = k + "\n" + v;
                            if (idCount.merge(header(r, "ce_id"), 1, Integer::sum) > 1) {
                                Attempt sent = sentMessages.get(message);
                                duplicatesBySpan.merge(sent == null ? "?" : spanAt(sent.sentMs(), faultSpans, loadStopped), 1L,
                                        Long::sum);
                            }
                            if (r.timestamp() != value.path("EventTime").asLong()) {
                                counters[2]++;
                            }
                            if (okMessages.containsKey(message)) {
                                found.add(message);
                            } else if (sentMessages.containsKey(message)) {
                                notOk.add(message);
                            } else {
                                counters[3]++;
                            }
                            Last previous = last.get(k);
                            if (previous != null && previous.value() > v) {
                                counters[1]++;
                            }
                            last.put(k, new Last(r.partition(), r.offset(), v));
                        }
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        List<String> missing = okMessages.keySet().stream().filter(m -> !found.contains(m)).sorted().toList();
        List<String> missingExamples = missing.stream().limit(20).map(m -> {
            Attempt a = okMessages.get(m);
            return m.replace('\n', '/') + " (sent at " + a.sentMs() + " ms, answered 200 at " + a.answeredMs() + " ms)";
        }).toList();
        long older = 0;
        long newer = 0;
        List<String> olderExamples = new ArrayList<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(newestOk).entrySet()) {
            Last l = last.get(e.getKey());
            if (l == null || l.value() < e.getValue()) {
                older++;
                if (olderExamples.size() < 20) {
                    olderExamples.add(e.getKey().replace('\n', '/') + ": last record "
                            + (l == null ? "none" : "value " + l.value() + " at partition " + l.partition() + " offset " + l.offset())
                            + ", newest answered 200: value " + e.getValue());
                }
            } else if (l.value() > e.getValue()) {
                newer++;
            }
        }
        long distinct = idCount.size();
        long moreThanOnce = idCount.values().stream().filter(n -> n > 1).count();
        return new TopicCheck(counters[0], distinct, counters[0] - distinct, moreThanOnce, missing.size(), missingExamples,
                newestOk.size(), older, olderExamples, newer, counters[1], counters[2], notOk.size(), counters[3], duplicatesBySpan,
                ms() - start);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    // --- Figures ----------------------------------------------------------------------------------------

    private Answers answers(List<Attempt> attempts, List<long[]> faultSpans, long loadStopped) {
        long ok = 0;
        long notFound = 0;
        long refusedDown = 0;
        long refusedUp = 0;
        long ioDown = 0;
        long ioUp = 0;
        long timeouts = 0;
        long over2s = 0;
        Map<String, Long> other = new TreeMap<>();
        Map<String, Long> over2sBySpan = new TreeMap<>();
        Map<String, String> examples = new LinkedHashMap<>();
        List<Long> durations = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.status() > 0) {
                durations.add(a.durationMs());
                if (a.durationMs() > 2000) {
                    over2s++;
                    over2sBySpan.merge(spanAt(a.sentMs(), faultSpans, loadStopped), 1L, Long::sum);
                }
            }
            switch (a.status()) {
                case 200 -> ok++;
                case 404 -> notFound++;
                case REFUSED -> {
                    if (inDownWindow(a.answeredMs())) {
                        refusedDown++;
                    } else {
                        refusedUp++;
                    }
                }
                case IO_ERROR -> {
                    if (inDownWindow(a.answeredMs())) {
                        ioDown++;
                    } else {
                        ioUp++;
                    }
                }
                case TIMEOUT -> timeouts++;
                default -> other.merge(String.valueOf(a.status()), 1L, Long::sum);
            }
            if (a.status() != 200 && a.status() != REFUSED) {
                String kind = a.status() > 0 ? "HTTP " + a.status() : a.status() == TIMEOUT ? "timeout" : "I/O error";
                examples.putIfAbsent(kind + (inDownWindow(a.answeredMs()) ? " (service down)" : ""),
                        kind + " at " + a.answeredMs() + " ms: " + a.error());
            }
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Answers(attempts.size(), ok, ok * s.keysPerWebhook, notFound, other, refusedDown, refusedUp, ioDown, ioUp,
                timeouts, percentile(sorted, 50), percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                over2s, over2sBySpan, load.maxLagNanos.get() / 1e6, load.lateOver100ms.get(), List.copyOf(examples.values()));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private FaultTiming timing(String step, Fault fault, String what, long start, long end, long until, String startedAt,
            List<Sample> samples, List<Attempt> attempts, Logs logs, long duplicates, Map<String, Object> details) {
        long peak = samples.stream().filter(x -> x.atMs() >= start && x.atMs() < until).mapToLong(Sample::depth).max().orElse(0);
        Long first = null;
        Long forGood = null;
        for (Sample x : samples) {
            if (x.atMs() < end || x.atMs() >= until) {
                continue;
            }
            if (x.depth() == 0) {
                if (first == null) {
                    first = x.atMs() - end;
                }
                if (forGood == null) {
                    forGood = x.atMs() - end;
                }
            } else {
                forGood = null;
            }
        }
        long count = 0;
        long nonOk = 0;
        long refused = 0;
        long over2s = 0;
        double max = 0;
        for (Attempt a : attempts) {
            if (a.sentMs() < start || a.sentMs() >= until) {
                continue;
            }
            count++;
            if (a.status() != 200) {
                nonOk++;
            }
            if (a.status() == REFUSED) {
                refused++;
            }
            if (a.status() > 0) {
                max = Math.max(max, a.durationMs());
                if (a.durationMs() > 2000) {
                    over2s++;
                }
            }
        }
        long lines = logs.groups().stream().mapToLong(g -> g.bySpan().getOrDefault(step, 0L)).sum();
        return new FaultTiming(step, fault.kind().flag, what, start, end, startedAt, peak, first, forGood, count, nonOk, refused,
                max, over2s, duplicates, lines, details);
    }

    private static final Pattern LOG_LINE = Pattern.compile("^(\\S+) (WARN|ERROR) +\\[([^\\]]*)\\] (\\S+) - (.*)$");

    /** WARN and ERROR lines of every service log, grouped by level, logger and message with numbers as #. */
    private Logs logs(List<long[]> faultSpans, long loadStopped) throws IOException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String[]> meta = new LinkedHashMap<>();
        Map<String, Map<String, Long>> spans = new HashMap<>();
        long warn = 0;
        long error = 0;
        List<String> files = new ArrayList<>();
        for (Path file : service.logs()) {
            files.add(work.relativize(file).toString());
            if (!Files.exists(file)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    Matcher m = LOG_LINE.matcher(line);
                    if (!m.matches()) {
                        continue;
                    }
                    if (m.group(2).equals("WARN")) {
                        warn++;
                    } else {
                        error++;
                    }
                    String message = m.group(5).replaceAll("\\d+", "#");
                    if (message.length() > 160) {
                        message = message.substring(0, 160) + "...";
                    }
                    String group = m.group(2) + "\u0000" + m.group(4) + "\u0000" + message;
                    counts.computeIfAbsent(group, g -> new long[1])[0]++;
                    String time = m.group(1);
                    String[] firstLast = meta.computeIfAbsent(group, g -> new String[] {time, time});
                    firstLast[1] = time;
                    spans.computeIfAbsent(group, g -> new TreeMap<>()).merge(span(time, faultSpans, loadStopped), 1L, Long::sum);
                }
            }
        }
        List<LogGroup> groups = counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                .map(e -> {
                    String[] parts = e.getKey().split("\u0000", 3);
                    String[] fl = meta.get(e.getKey());
                    return new LogGroup(parts[0], parts[1], parts[2], e.getValue()[0], runTime(fl[0]), runTime(fl[1]),
                            spans.get(e.getKey()));
                })
                .toList();
        return new Logs(files, warn, error, groups);
    }

    /** The part of the run a log line's time falls in: warm-up, a fault's step (to the next one), after the load. */
    private String span(String time, List<long[]> faultSpans, long loadStopped) {
        long at = runMs(time);
        return at == Long.MIN_VALUE ? "?" : spanAt(at, faultSpans, loadStopped);
    }

    private static String spanAt(long at, List<long[]> faultSpans, long loadStopped) {
        if (at >= loadStopped) {
            return "after";
        }
        String span = "before";
        for (int i = 0; i < faultSpans.size(); i++) {
            if (at >= faultSpans.get(i)[0]) {
                span = String.valueOf((char) ('a' + i));
            }
        }
        return span;
    }

    private long runMs(String time) {
        try {
            return OffsetDateTime.parse(time).toInstant().toEpochMilli() - t0Wall;
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    /** A log line's time as seconds since the run's start (and the UTC time), for the report. */
    private String runTime(String time) {
        long at = runMs(time);
        return at == Long.MIN_VALUE ? time : String.format(Locale.ROOT, "+%.1f s (%s)", at / 1000.0,
                TIME.format(Instant.ofEpochMilli(t0Wall + at)));
    }

    private void writeAnswers(List<Attempt> attempts) throws IOException {
        try (Writer w = Files.newBufferedWriter(work.resolve("answers.csv"), StandardCharsets.UTF_8)) {
            w.write("lane,n,keys,event_time,sent_ms,answered_ms,status,error\n");
            for (Attempt a : attempts) {
                w.write(a.lane() + "," + a.n() + "," + a.pair() + "," + a.eventTime() + "," + a.sentMs() + "," + a.answeredMs()
                        + "," + a.status() + "," + (a.error() == null ? "" : '"' + a.error().replace('"', '\'') + '"') + "\n");
            }
        }
    }

    // --- Targets ----------------------------------------------------------------------------------------

    static final long SPOOL_EMPTY_BOUND_MS = 30_000;
    static final long READINESS_DOWN_BOUND_MS = 10_000;
    static final long LOG_LINES_BOUND = 1_000;

    static List<Target> targets(Result r) {
        List<Target> t = new ArrayList<>();
        TopicCheck topic = r.topic();
        t.add(new Target("Nothing answered 200 missing from the topic", "0 missing",
                fmt(topic.missing()) + " missing of " + fmt(r.answers().okMessages()) + " messages", topic.missing() == 0));
        t.add(new Target("No key ending on an older value than its newest 200", "0 keys",
                fmt(topic.keysEndingOlder()) + " of " + fmt(topic.keys()) + " keys", topic.keysEndingOlder() == 0));
        Long drained = r.spool().emptyAfterLoadStopMs();
        t.add(new Target("Spool empty after the load stops", "within 30 s",
                drained == null ? "not within " + r.settings().get("drain_bound_s") + " s" : secs(drained),
                drained != null && drained <= SPOOL_EMPTY_BOUND_MS));
        for (FaultTiming f : r.faults()) {
            Long e = f.spoolEmptyAfterEndMs();
            t.add(new Target("Spool empty after fault (" + f.step() + ") " + f.name() + " ends", "within 30 s",
                    (e == null ? "still holding when the span ended" : secs(e)) + " (peak depth " + fmt(f.peakDepth()) + ")",
                    e != null && e <= SPOOL_EMPTY_BOUND_MS));
        }
        t.add(new Target("Readiness never DOWN (503) for 10 s or more", "longest < 10 s",
                r.readiness().downPolls() == 0 ? "never DOWN" : "longest " + secs(r.readiness().longestDownMs()) + ", "
                        + r.readiness().downPeriods().size() + " period(s)",
                r.readiness().longestDownMs() < READINESS_DOWN_BOUND_MS));
        t.add(new Target("Answers 404", "0", fmt(r.answers().notFound()), r.answers().notFound() == 0));
        t.add(new Target("Connections refused only while the service process is down", "0 while up",
                fmt(r.answers().refusedWhileUp()) + " while up (" + fmt(r.answers().refusedWhileDown()) + " while down)",
                r.answers().refusedWhileUp() == 0));
        long lines = r.logs().warn() + r.logs().error();
        t.add(new Target("WARN and ERROR lines in the service's logs, whole run", "at most 1,000",
                fmt(lines) + " (" + fmt(r.logs().warn()) + " WARN, " + fmt(r.logs().error()) + " ERROR)", lines <= LOG_LINES_BOUND));
        return t;
    }

    // --- The report ---------------------------------------------------------------------------------------

    public static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        Machine m = r.machine();
        Map<String, Object> st = r.settings();
        md.append("# Fault run ").append(r.timestamp()).append("\n\n");
        md.append("Started ").append(r.startedAt()).append(" (every time below is seconds since then).\n\n");
        md.append("Machine: ").append(m.nproc()).append(" cores (`nproc`), ").append(m.cpu()).append(", ").append(m.memory())
                .append(" memory, ").append(m.kernel()).append(", ").append(m.java()).append(". Load average (1, 5, 15 min) at the start: ")
                .append(m.loadavgStart()).append(", at the end: ").append(m.loadavgEnd())
                .append(" (the three Kafka nodes, the service and the load generator share these cores with any other work).\n");
        md.append("Other benchmarks running at the start: ").append(m.otherBenchmarksAtStart().isEmpty() ? "none"
                : String.join("; ", m.otherBenchmarksAtStart())).append("; at the end: ")
                .append(m.otherBenchmarksAtEnd().isEmpty() ? "none" : String.join("; ", m.otherBenchmarksAtEnd())).append(".\n\n");
        md.append("Service: `").append(st.get("jar")).append("` with its routes/ at ").append(m.git())
                .append(", `SINK=kafka`, JVM options `").append(blank(st.get("service_java_options"))).append("`")
                .append(((Map<?, ?>) st.get("service_env")).isEmpty() ? "" : ", env " + st.get("service_env")).append(".\n");
        md.append("Kafka ").append(m.kafka()).append(": 3 KRaft nodes (broker and controller each), OS processes of `KafkaCluster`, JVM options `")
                .append(blank(st.get("node_jvm_options"))).append("`, broker settings ")
                .append(((Map<?, ?>) st.get("broker_properties")).isEmpty() ? "as `KafkaCluster` sets them (session timeout 9 s)"
                        : "as `KafkaCluster` sets them and " + st.get("broker_properties"))
                .append(". Topic `").append(st.get("topic")).append("`: 3 partitions, replication factor 3, `min.insync.replicas=2`, `cleanup.policy=compact`, `min.compaction.lag.ms` at its maximum (nothing compacted away before the read-back).\n");
        md.append("Load: ").append(st.get("rate_per_s")).append(" webhooks/s (SetMetadata, ").append(st.get("keys_per_webhook"))
                .append(" keys each) on a fixed clock through ").append(st.get("lanes")).append(" lanes of ")
                .append(st.get("keys_per_lane")).append(" keys each; a lane sends one webhook at a time, values increasing per key, EventTime the send time. Warm-up ")
                .append(st.get("warmup_s")).append(" s, quiet ").append(st.get("quiet_s")).append(" s after each fault (longer, up to ")
                .append(st.get("quiet_extension_s")).append(" s more, while the spool holds messages).\n\n");
        md.append("Rerun: `").append(st.get("command")).append("`\n\n");

        md.append("## Targets\n\n| Target | Goal | Result | |\n| --- | --- | --- | --- |\n");
        for (Target t : r.targets()) {
            md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.actual()).append(" | **")
                    .append(t.pass() ? "PASS" : "MISS").append("** |\n");
        }

        Answers a = r.answers();
        md.append("\n## Answers\n\n| | |\n| --- | ---: |\n");
        row(md, "Webhooks sent", fmt(a.sent()));
        row(md, "Answered 200 (their messages)", fmt(a.ok()) + " (" + fmt(a.okMessages()) + ")");
        row(md, "Answered 404", fmt(a.notFound()));
        row(md, "Other HTTP statuses", a.otherStatuses().isEmpty() ? "none" : a.otherStatuses().toString());
        row(md, "Connection refused, service down / up", fmt(a.refusedWhileDown()) + " / " + fmt(a.refusedWhileUp()));
        row(md, "Other I/O errors (no answer), service down / up", fmt(a.ioErrorsWhileDown()) + " / " + fmt(a.ioErrorsWhileUp()));
        row(md, "No answer within 30 s", fmt(a.timeouts()));
        row(md, "Answer time p50 / p99 / max (answered requests)", ms(a.p50Ms()) + " / " + ms(a.p99Ms()) + " / " + ms(a.maxMs()));
        row(md, "Answers over 2 s (Tencent's timeout), by the span they were sent in", fmt(a.over2s())
                + (a.over2sBySpan().isEmpty() ? "" : " " + a.over2sBySpan()));
        row(md, "Generator behind its clock: max, webhooks sent over 100 ms late", ms(a.generatorLagMaxMs()) + ", " + fmt(a.lateOver100ms()));
        if (!a.examples().isEmpty()) {
            md.append("\nFirst of each kind of answer other than 200 and a refused connection:\n\n");
            a.examples().forEach(e -> md.append("- `").append(e.replace('`', '\'')).append("`\n"));
        }

        TopicCheck t = r.topic();
        md.append("\n## The topic read back\n\nRead from the beginning of each partition to its end after the service stopped (`KafkaConsumer`, assign, no group).\n\n| | |\n| --- | ---: |\n");
        row(md, "Records", fmt(t.records()));
        row(md, "Distinct `ce_id`", fmt(t.distinctIds()));
        row(md, "Duplicates (records whose `ce_id` came before), `ce_id`s more than once", fmt(t.duplicateRecords()) + ", " + fmt(t.idsMoreThanOnce()));
        row(md, "Duplicates by the span their webhook was sent in", t.duplicatesBySpan().isEmpty() ? "none" : t.duplicatesBySpan().toString());
        row(md, "Messages of 200 answers missing", fmt(t.missing()));
        row(md, "Keys answered 200 / ending on an older value / ending on a newer value of a webhook not answered 200",
                fmt(t.keys()) + " / " + fmt(t.keysEndingOlder()) + " / " + fmt(t.keysEndingNewer()));
        row(md, "A key's value lower than the record before it (a replayed or resent record; the last one decides)", fmt(t.regressions()));
        row(md, "Record timestamp not the message's EventTime", fmt(t.timestampMismatches()));
        row(md, "Messages on the topic from webhooks not answered 200", fmt(t.notAnsweredOk()));
        row(md, "Records of no webhook sent", fmt(t.unknown()));
        if (!t.missingExamples().isEmpty()) {
            md.append("\nMissing (first 20):\n\n");
            t.missingExamples().forEach(e -> md.append("- ").append(e).append('\n'));
        }
        if (!t.olderExamples().isEmpty()) {
            md.append("\nKeys ending on an older value (first 20):\n\n");
            t.olderExamples().forEach(e -> md.append("- ").append(e).append('\n'));
        }

        md.append("\n## Faults\n\nTimes are seconds since the run started (the cluster's start); a fault's span runs from its start to the next fault's start (the last one's to the end of the load). It ends when what it broke is back: the node serves again, runs again, the last node rolled, the service is ready.\n\n");
        md.append("| Step | What | Start | End | Took | Peak spool depth | Spool empty after its end: first / for good | Webhooks / not 200 / refused | Max answer | Over 2 s | Duplicates | WARN+ERROR lines | Details |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (FaultTiming f : r.faults()) {
            md.append("| (").append(f.step()).append(") ").append(f.name()).append(" | ").append(f.what()).append(" | ")
                    .append(secs(f.startMs())).append(" | ").append(secs(f.endMs())).append(" | ").append(secs(f.endMs() - f.startMs()))
                    .append(" | ").append(fmt(f.peakDepth())).append(" | ")
                    .append(f.spoolFirstEmptyAfterEndMs() == null ? "-" : secs(f.spoolFirstEmptyAfterEndMs())).append(" / ")
                    .append(f.spoolEmptyAfterEndMs() == null ? "still holding at the span's end" : secs(f.spoolEmptyAfterEndMs()))
                    .append(" | ")
                    .append(fmt(f.answers())).append(" / ").append(fmt(f.nonOk())).append(" / ").append(fmt(f.refused())).append(" | ")
                    .append(ms(f.maxAnswerMs())).append(" | ").append(fmt(f.over2s())).append(" | ").append(fmt(f.duplicates()))
                    .append(" | ").append(fmt(f.logLines()))
                    .append(" | ").append(details(f.details())).append(" |\n");
        }

        SpoolFigures sp = r.spool();
        Readiness rd = r.readiness();
        md.append("\n## Spool and readiness\n\n| | |\n| --- | ---: |\n");
        row(md, "Peak spool depth (messages), peak oldest age", fmt(sp.peakDepth()) + ", " + String.format(Locale.ROOT, "%.1f s", sp.peakOldestAgeSeconds()));
        row(md, "Load stopped at", secs(sp.loadStoppedAtMs()));
        row(md, "Spool empty after the load stopped", sp.emptyAfterLoadStopMs() == null ? "not within the bound" : secs(sp.emptyAfterLoadStopMs()));
        row(md, "Readiness polls: UP / DOWN (503) / failed", fmt(rd.upPolls()) + " / " + fmt(rd.downPolls()) + " / " + fmt(rd.failedPolls()));
        row(md, "Longest DOWN", secs(rd.longestDownMs()));
        for (Period p : rd.downPeriods()) {
            md.append("\nDOWN from ").append(secs(p.fromMs())).append(" to ").append(secs(p.toMs())).append(": `")
                    .append(p.detail() == null ? "" : p.detail().length() > 300 ? p.detail().substring(0, 300) + "..." : p.detail())
                    .append("`\n");
        }

        Logs l = r.logs();
        md.append("\n## Service log: WARN and ERROR lines\n\n").append(fmt(l.warn())).append(" WARN and ").append(fmt(l.error()))
                .append(" ERROR lines in ").append(String.join(", ", l.files()))
                .append(" (one file per start of the service). Grouped by level, logger and text with every number as `#`; spans: `before` the first fault, a fault's step to the next one, `after` the load.\n\n");
        md.append("| Level | Logger | Line | Count | First | Last | By span |\n| --- | --- | --- | ---: | --- | --- | --- |\n");
        for (LogGroup g : l.groups()) {
            md.append("| ").append(g.level()).append(" | ").append(g.logger()).append(" | `")
                    .append(g.message().replace('`', '\'').replace("|", "\\|")).append("` | ").append(fmt(g.count())).append(" | ")
                    .append(g.first()).append(" | ").append(g.last()).append(" | ")
                    .append(g.bySpan().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        md.append("\nPhases (ms since the start): ").append(r.phasesMs()).append(".\n");
        return md.toString();
    }

    /** The result as indented JSON, every figure of the report and the spool's timeline. */
    public static void writeJson(Result r, Path file) throws IOException {
        JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String details(Map<String, Object> d) {
        return d.entrySet().stream().map(e -> e.getKey().replace('_', ' ') + ": "
                + (e.getValue() == null ? "not within the wait" : e.getKey().endsWith("_ms") && e.getValue() instanceof Number n
                        ? secs(n.longValue()) : e.getValue()))
                .collect(Collectors.joining("; "));
    }

    private static String blank(Object o) {
        return o == null || o.toString().isBlank() ? "(none)" : o.toString();
    }

    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String secs(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, "%,.0f ms", ms);
    }

    // --- The machine ----------------------------------------------------------------------------------------

    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static String memory() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).map(l -> String.format(Locale.ROOT, "%.1f GiB",
                    Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0)).findFirst().orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    /**
     * bench/run or wrk running beside this run: they share the cores, and the report says so. By the
     * program and its script argument, not by any mention: a shell whose command text merely names
     * bench/run is not one.
     */
    private static List<String> otherBenchmarks() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self)
                .filter(p -> p.info().command().map(c -> c.endsWith("/wrk")).orElse(false)
                        || p.info().arguments().map(args -> Arrays.stream(args).limit(2)
                                .anyMatch(a -> a.equals("bench/run") || a.endsWith("/bench/run"))).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .map(c -> c.length() > 120 ? c.substring(0, 120) + "..." : c)
                .toList();
    }

    private String gitRevision() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head == null) {
            return "?";
        }
        String changes = git("status", "--porcelain", "--", "routes", "src/main", "application.properties", "pom.xml");
        return head + (changes == null || changes.isBlank() ? "" : " (with uncommitted changes)");
    }

    private String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", s.repo.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // --- Helpers ------------------------------------------------------------------------------------------

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a bound listener; nothing to do
                }
            }
        }
    }


    // --- The command line ---------------------------------------------------------------------------------

    static final String USAGE = """
            Usage: bench/faults [options]

            One fault run of the packaged service (SINK=kafka) against a 3-node Kafka cluster, with a
            steady webhook load throughout; writes bench/results/faults-<timestamp>.json and .md and
            copies the .md to bench/results/faults-latest.md. About 5 minutes with the defaults.

              --rate N             webhooks per second [200]                               (FAULTS_RATE)
              --lanes N            lanes, each sending one webhook at a time [400]          (FAULTS_LANES)
              --keys-per-lane N    keys each lane owns [4]; every webhook sets 2 of them
              --warmup S           seconds of load before the first fault [20]              (FAULTS_WARMUP)
              --quiet S            seconds of load after each fault [30]                    (FAULTS_QUIET)
              --faults LIST        comma-separated, in order [leader-kill,broker-pause,rolling-restart,service-kill]
              --kill-hold S        seconds the killed leader stays down [10]
              --pause-hold S       seconds the paused node stays stopped [8]
              --session-timeout-ms N   broker.session.timeout.ms of the nodes [Kafka's 9000], heartbeats at a sixth of it
              --broker-property K=V    any other broker setting of the nodes (repeatable)
              --service-java-opts "..."  JVM options of the service                        (SERVICE_JAVA_OPTS)
              --node-java-opts "..."     extra JVM options of the Kafka nodes [-XX:TieredStopAtLevel=1]
              --jar PATH           the service jar [target/tencent-live-webhook.jar]
              --results DIR        where the report goes [bench/results]
              --work DIR           cluster data, spool, service logs, answers.csv [target/faults/<timestamp>]
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Settings s = new Settings();
        Path results = null;
        double killHold = 10;
        double pauseHold = 8;
        List<String> faults = List.of("leader-kill", "broker-pause", "rolling-restart", "service-kill");
        s.rate(Integer.parseInt(env.getOrDefault("FAULTS_RATE", "200")));
        s.lanes(Integer.parseInt(env.getOrDefault("FAULTS_LANES", "400")));
        s.warmup(seconds(env.getOrDefault("FAULTS_WARMUP", "20")));
        s.quiet(seconds(env.getOrDefault("FAULTS_QUIET", "30")));
        if (env.get("SERVICE_JAVA_OPTS") != null) {
            s.serviceJavaOptions(words(env.get("SERVICE_JAVA_OPTS")));
        }
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                System.err.print("missing a value for " + flag + "\n\n" + USAGE);
                System.exit(2);
            }
            String v = args[++i];
            switch (flag) {
                case "--rate" -> s.rate(Integer.parseInt(v));
                case "--lanes" -> s.lanes(Integer.parseInt(v));
                case "--keys-per-lane" -> s.keysPerLane(Integer.parseInt(v));
                case "--warmup" -> s.warmup(seconds(v));
                case "--quiet" -> s.quiet(seconds(v));
                case "--faults" -> faults = List.of(v.split(","));
                case "--kill-hold" -> killHold = Double.parseDouble(v);
                case "--pause-hold" -> pauseHold = Double.parseDouble(v);
                case "--session-timeout-ms" -> {
                    // Heartbeats several times per session, as Kafka's defaults (2 s in 9 s) do: a
                    // shorter session with the default heartbeat would fence live nodes.
                    s.brokerProperty("broker.session.timeout.ms", v);
                    s.brokerProperty("broker.heartbeat.interval.ms", String.valueOf(Math.max(100, Long.parseLong(v) / 6)));
                }
                case "--broker-property" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--broker-property takes KEY=VALUE, not " + v);
                    }
                    s.brokerProperty(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--service-java-opts" -> s.serviceJavaOptions(words(v));
                case "--node-java-opts" -> s.nodeJvmOptions(words(v));
                case "--jar" -> s.jar(Path.of(v).toAbsolutePath());
                case "--results" -> results = Path.of(v).toAbsolutePath();
                case "--work" -> s.workDir(Path.of(v).toAbsolutePath());
                default -> {
                    System.err.print("unknown option " + flag + "\n\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        List<Fault> list = new ArrayList<>();
        for (String f : faults) {
            Kind kind = Kind.of(f.trim());
            list.add(switch (kind) {
                case LEADER_KILL -> Fault.leaderKill(Duration.ofMillis((long) (killHold * 1000)));
                case BROKER_PAUSE -> Fault.brokerPause(Duration.ofMillis((long) (pauseHold * 1000)));
                case ROLLING_RESTART -> Fault.rollingRestart();
                case SERVICE_KILL -> Fault.serviceKill();
            });
        }
        s.faults(list);
        s.command(env.getOrDefault("FAULTS_COMMAND", "bench/faults" + (args.length == 0 ? ""
                : " " + Arrays.stream(args).map(FaultRun::quote).collect(Collectors.joining(" ")))));
        if (results == null) {
            results = s.repo.resolve("bench/results");
        }

        Result r = run(s);
        Files.createDirectories(results);
        Path json = results.resolve("faults-" + r.timestamp() + ".json");
        Path md = results.resolve("faults-" + r.timestamp() + ".md");
        writeJson(r, json);
        Files.writeString(md, markdown(r), StandardCharsets.UTF_8);
        Files.copy(md, results.resolve("faults-latest.md"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println();
        System.out.println("results: " + shown(s.repo, json) + ", " + shown(s.repo, md) + " (and faults-latest.md)");
        System.out.println();
        String report = markdown(r);
        int from = report.indexOf("## Targets");
        int to = report.indexOf("\n## ", from + 1);
        System.out.print(report.substring(from, to < 0 ? report.length() : to));
        // Daemon threads (the HTTP clients' selectors) must not keep the JVM up.
        System.exit(0);
    }

    private static String shown(Path repo, Path file) {
        return file.startsWith(repo) ? repo.relativize(file).toString() : file.toString();
    }

    private static Duration seconds(String v) {
        return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
    }

    private static List<String> words(String v) {
        return v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
    }

    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./,:=+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
