package live.webhook.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Open-loop, fixed-rate load: posts SetMetadata webhooks (a fresh RoomId each) at a fixed rate,
 * whatever the server's answers take, and reports the latency distribution with coordinated
 * omission corrected.
 *
 * <p>wrk is closed-loop: each connection sends its next request only after the previous answer,
 * so a server that stalls is simply sent less and its slow moments hide. Here request {@code i} is
 * due at {@code start + i / rate}; a 1 ms timer sends whatever is due, and each latency is measured
 * from the request's <em>intended</em> send time, so time spent waiting for a free connection or
 * behind a stalled server counts. At most {@code --connections} requests are in flight; the rest
 * wait, on the clock, for a connection.
 *
 * <pre>
 * java -cp ... live.webhook.bench.OpenLoopLoad --url 'http://127.0.0.1:8080/callback?SdkAppid=...' \
 *     --rate 500 --warmup 5 --duration 30 [--connections 32] [--sample src/test/resources/samples/set-metadata.json] [--tag open]
 * </pre>
 *
 * <p>Prints one line {@code OPEN_RESULT {json}}: requests intended and answered in the measured
 * window (the warm-up is sent at the same rate and not in the latencies; its 2xx answers are
 * counted apart, for whoever counts what the server delivered), 2xx, other statuses, errors,
 * requests still unanswered 5 s after the last was due (their wait so far counts as their
 * latency), p50/p90/p99/p99.9/max in milliseconds, and how late the generator itself was.
 */
public final class OpenLoopLoad {

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    public static void main(String[] args) throws Exception {
        String url = arg(args, "--url", null);
        double rate = Double.parseDouble(arg(args, "--rate", null));
        double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
        double duration = Double.parseDouble(arg(args, "--duration", "30"));
        int connections = Integer.parseInt(arg(args, "--connections", "32"));
        String sample = Files.readString(Path.of(arg(args, "--sample", "src/test/resources/samples/set-metadata.json")));
        String tag = arg(args, "--tag", "open");
        if (url == null || rate <= 0 || duration <= 0) {
            throw new IllegalArgumentException("--url, --rate > 0 and --duration > 0 are required");
        }
        int room = sample.indexOf("live-room1111");
        if (room < 0) {
            throw new IllegalArgumentException("the sample has no RoomId live-room1111 to replace");
        }
        String head = sample.substring(0, room);
        String tail = sample.substring(room + "live-room1111".length());

        URI uri = URI.create(url);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        long periodNanos = Math.round(1e9 / rate);
        int warmupCount = (int) Math.round(warmup * rate);
        int measuredCount = (int) Math.round(duration * rate);
        int total = warmupCount + measuredCount;

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort()).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Content-Type", "application/json");

        long[] latency = new long[measuredCount];
        boolean[] done = new boolean[measuredCount];
        int[] counts = new int[6]; // measured: answered, 2xx, other status, error; warm-up: answered, 2xx
        long[] maxLag = new long[1];
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);

        vertx.runOnContext(v -> vertx.setPeriodic(1, new io.vertx.core.Handler<Long>() {
            int next;

            @Override
            public void handle(Long timer) {
                long now = System.nanoTime();
                while (next < total && start + next * periodNanos <= now) {
                    int i = next++;
                    long intended = start + i * periodNanos;
                    if (i >= warmupCount) {
                        maxLag[0] = Math.max(maxLag[0], now - intended);
                    }
                    Buffer body = Buffer.buffer(head + tag + "-" + i + tail);
                    client.request(request)
                            .compose(req -> req.send(body))
                            .compose(resp -> resp.body().map(b -> resp.statusCode()))
                            .onComplete(ar -> {
                                int m = i - warmupCount;
                                if (m < 0) {
                                    counts[4]++;
                                    if (ar.succeeded() && ar.result() / 100 == 2) {
                                        counts[5]++;
                                    }
                                    return;
                                }
                                latency[m] = System.nanoTime() - intended;
                                done[m] = true;
                                counts[0]++;
                                if (ar.failed()) {
                                    counts[3]++;
                                } else if (ar.result() / 100 == 2) {
                                    counts[1]++;
                                } else {
                                    counts[2]++;
                                }
                            });
                }
                if (next >= total) {
                    vertx.cancelTimer(timer);
                    allSent.complete(null);
                }
            }
        }));

        long bound = (long) ((warmup + duration) * 1e9) + TimeUnit.SECONDS.toNanos(30);
        allSent.get(bound, TimeUnit.NANOSECONDS);
        long lastDue = start + (total - 1) * periodNanos;
        // Wait (bounded) for the last answers, reading the counters on the event loop that writes them.
        while (System.nanoTime() < lastDue + GRACE_NANOS) {
            CompletableFuture<Integer> answered = new CompletableFuture<>();
            vertx.runOnContext(v -> answered.complete(counts[0]));
            if (answered.get(5, TimeUnit.SECONDS) >= measuredCount) {
                break;
            }
            Thread.sleep(20);
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            long now = System.nanoTime();
            int unanswered = 0;
            for (int m = 0; m < measuredCount; m++) {
                if (!done[m]) {
                    unanswered++;
                    latency[m] = now - (start + (warmupCount + m) * periodNanos);
                }
            }
            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            result.complete(String.format(Locale.ROOT,
                    "OPEN_RESULT {\"rate\":%.1f,\"duration_s\":%.3f,\"connections\":%d,\"warmup_intended\":%d,"
                            + "\"warmup_ok\":%d,\"intended\":%d,\"answered\":%d,"
                            + "\"ok\":%d,\"non2xx\":%d,\"errors\":%d,\"unanswered\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
                            + "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"max_send_lag_ms\":%.3f}",
                    rate, duration, connections, warmupCount, counts[5], measuredCount, counts[0], counts[1], counts[2], counts[3], unanswered,
                    ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
                    ms(percentile(sorted, 99.9)), ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]), ms(maxLag[0])));
        });
        System.out.println(result.get(5, TimeUnit.SECONDS));
        System.out.flush();
        System.exit(0);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private OpenLoopLoad() {
    }
}
