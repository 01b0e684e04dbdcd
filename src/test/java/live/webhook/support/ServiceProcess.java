package live.webhook.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service, {@code java -jar target/tencent-live-webhook.jar}, as its own process,
 * configured by environment variables the way an operator would. For what only a real process
 * shows: SIGKILL, SIGTERM, a restart.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "tencent-live-webhook.jar");

    private final Map<String, String> env;
    private final Path log;
    private final int port = WebhookService.freePort();
    private final int managementPort = WebhookService.freePort();
    private Process process;

    public ServiceProcess(Map<String, String> env, Path log) {
        this.env = env;
        this.log = log;
    }

    public ServiceProcess start() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run mvn package first");
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
        builder.environment().putAll(env);
        builder.environment().put("HTTP_PORT", String.valueOf(port));
        builder.environment().put("MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpClient http = HttpClient.newHttpClient();
        await("service ready on " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("service exited with " + process.exitValue() + ", see " + log);
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + managementPort + "/observe/health/ready")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
        return this;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the process to end; returns its exit code. */
    public int terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("service did not exit within " + within);
        }
        return process.exitValue();
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    public static Path logFile(String name) throws IOException {
        File dir = new File("target", "service-logs");
        Files.createDirectories(dir.toPath());
        return dir.toPath().resolve(name + ".log");
    }
}
