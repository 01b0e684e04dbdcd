package live.webhook.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service, {@code java -jar target/tencent-live-webhook.jar}, started with settings it
 * must refuse, and run to its end: how it ended, how long it took, what it printed. The environment
 * is exactly what the test gives (on free ports unless it names HTTP_PORT or MANAGEMENT_PORT): any
 * setting inherited from the test's own environment is removed first, and the log is plain text.
 */
public record ServiceExit(int exitCode, Duration took, String output) {

    private static final Path JAR = Path.of("target", "tencent-live-webhook.jar");

    /** Starts the service and waits for it to end, at most {@code within}; a service still running then fails. */
    public static ServiceExit run(Map<String, String> env, Path log, Duration within) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run mvn package first");
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
        settingVariables().forEach(builder.environment()::remove);
        builder.environment().remove("LOG_FORMAT");
        builder.environment().put("HTTP_PORT", String.valueOf(WebhookService.freePort()));
        builder.environment().put("MANAGEMENT_PORT", String.valueOf(WebhookService.freePort()));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Files.deleteIfExists(log);
        builder.redirectOutput(log.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the service was still running " + within + " after its start, see " + log);
            }
            return new ServiceExit(process.exitValue(), Duration.ofNanos(System.nanoTime() - started),
                    Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public List<String> lines() {
        return output.lines().toList();
    }

    /** The environment variables of every key in application.properties: TENCENT_SDKAPPID, HTTP_PORT, ... */
    static List<String> settingVariables() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("application.properties"))) {
            settings.load(in);
        }
        return settings.stringPropertyNames().stream()
                .map(key -> key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
                .toList();
    }
}
