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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The packaged service, {@code java -jar target/tencent-live-webhook.jar}, as its own process,
 * configured by environment variables the way an operator would. For what only a real process
 * shows: SIGKILL, SIGTERM, a restart. {@link #command} runs any other build of the routes the same
 * way (the Camel Quarkus application Camel K would run).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "tencent-live-webhook.jar");

    private final List<String> command;
    private final Path required;
    private final Map<String, String> env;
    private final Path log;
    private final String portVariable;
    private final String managementPortVariable;
    private final int port = WebhookService.freePort();
    private final int managementPort = WebhookService.freePort();
    private Path workingDirectory;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Function<ServiceProcess, URI> readyUri =
            s -> URI.create("http://127.0.0.1:" + s.managementPort + "/observe/health/ready");
    private int readyStatus = 200;
    private Process process;

    /** The packaged camel-main service; its ports are given as HTTP_PORT and MANAGEMENT_PORT. */
    public ServiceProcess(Map<String, String> env, Path log) {
        this(List.of(java(), "-jar", JAR.toString()), JAR, env, log, "HTTP_PORT", "MANAGEMENT_PORT");
    }

    private ServiceProcess(List<String> command, Path required, Map<String, String> env, Path log,
            String portVariable, String managementPortVariable) {
        this.command = List.copyOf(command);
        this.required = required;
        this.env = env;
        this.log = log;
        this.portVariable = portVariable;
        this.managementPortVariable = managementPortVariable;
    }

    /**
     * Any command that serves the webhook: it is given a free webhook port and a free management
     * port in the two named environment variables, and is ready when GET on the management port's
     * /observe/health/ready answers 200, unless {@link #readyWhen} says otherwise.
     */
    public static ServiceProcess command(List<String> command, Map<String, String> env, Path log,
            String portVariable, String managementPortVariable) {
        return new ServiceProcess(command, null, env, log, portVariable, managementPortVariable);
    }

    /** The java of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Ready once GET on {@code uri} (given this process, for its ports) answers {@code status}. */
    public ServiceProcess readyWhen(Function<ServiceProcess, URI> uri, int status) {
        this.readyUri = uri;
        this.readyStatus = status;
        return this;
    }

    public ServiceProcess workingDirectory(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    /** How long {@link #start} waits for readiness (60 s unless set). */
    public ServiceProcess startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    public ServiceProcess start() {
        if (required != null && !Files.isRegularFile(required)) {
            throw new IllegalStateException(required + " is missing: run mvn package first");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(env);
        builder.environment().put(portVariable, String.valueOf(port));
        builder.environment().put(managementPortVariable, String.valueOf(managementPort));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpClient http = HttpClient.newHttpClient();
        URI ready = readyUri.apply(this);
        await("service ready on " + port).atMost(startTimeout).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("service exited with " + process.exitValue() + ", see " + log);
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == readyStatus;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
        return this;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int port() {
        return port;
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
