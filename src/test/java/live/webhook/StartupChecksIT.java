package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import live.webhook.support.ServiceExit;
import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged service refuses to start on a bad setting or a port it cannot listen on: it ends
 * with a non-zero exit code, within seconds, and says why in one ERROR line that names the
 * environment variable and the property, without a stack trace.
 */
class StartupChecksIT {

    /**
     * A refused start ends in about 4-5 s on this 2-core machine shared with other work (5-13 s
     * when it is busy, over 20 s at its worst); a service that runs on is past this either way.
     */
    static final Duration BOUND = Duration.ofSeconds(30);
    /** How long a run may take before the test gives up on it (past BOUND it has failed anyway). */
    static final Duration GIVE_UP = BOUND.plusSeconds(5);
    static final List<String> TIMES = new ArrayList<>();

    static Stream<Arguments> badSettings() throws IOException {
        Path regularFile = Files.createTempFile("not-a-directory", "");
        regularFile.toFile().deleteOnExit();
        return Stream.of(
                bad("no SdkAppid", env(),
                        "TENCENT_SDKAPPID (tencent.sdkappid) is required"),
                bad("an SdkAppid that is not digits", env("TENCENT_SDKAPPID", "1400000001, 14000O0002"),
                        "TENCENT_SDKAPPID (tencent.sdkappid) must be SdkAppid values", "'1400000001, 14000O0002'"),
                bad("no commands", ok("TENCENT_COMMANDS", ""),
                        "TENCENT_COMMANDS (tencent.commands) must name at least one CallbackCommand"),
                bad("an unknown sink", ok("SINK", "bogus"),
                        "SINK (sink) must be log, file or kafka, not 'bogus'"),
                bad("a port beyond 65535", ok("HTTP_PORT", "70000"),
                        "HTTP_PORT (http.port) must be a whole number from 1 to 65535", "'70000'"),
                bad("a negative body limit", ok("MAX_BODY_BYTES", "-1"),
                        "MAX_BODY_BYTES (max.body.bytes) must be a whole number from 1", "'-1'"),
                bad("a file sink directory under a regular file",
                        ok("SINK", "file", "SINK_FILE_DIR", regularFile.resolve("out").toString()),
                        "SINK_FILE_DIR (sink.file.dir) must be a directory this service can write",
                        regularFile.resolve("out").toString()),
                bad("a spool directory under a regular file",
                        ok("SINK", "kafka", "SPOOL_DIR", regularFile.resolve("spool").toString()),
                        "SPOOL_DIR (spool.dir) must be a directory this service can write",
                        regularFile.resolve("spool").toString()),
                bad("a skew of zero", ok("TENCENT_SIGN_MAX_SKEW_SECONDS", "0"),
                        "TENCENT_SIGN_MAX_SKEW_SECONDS (tencent.sign.max.skew.seconds) must be a whole number from 1", "'0'"),
                bad("TLS with a missing keystore",
                        ok("TLS_ENABLED", "true", "TLS_KEYSTORE", "file:" + regularFile.resolve("keystore.p12")),
                        "TLS_KEYSTORE (tls.keystore) must be a readable PKCS12 keystore when TLS_ENABLED (tls.enabled) is true"),
                bad("Kafka over SASL without a user name or a password",
                        ok("SINK", "kafka", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                        "KAFKA_SASL_USERNAME (kafka.sasl.username) is required with KAFKA_SECURITY_PROTOCOL SASL_SSL",
                        "KAFKA_SASL_PASSWORD (kafka.sasl.password) is required with KAFKA_SECURITY_PROTOCOL SASL_SSL"),
                bad("an unknown Kafka security protocol",
                        ok("SINK", "kafka", "KAFKA_SECURITY_PROTOCOL", "SASL_TLS"),
                        "KAFKA_SECURITY_PROTOCOL (kafka.security.protocol) must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not 'SASL_TLS'"),
                bad("an unknown SASL mechanism",
                        ok("SINK", "kafka", "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "OAUTHBEARER",
                                "KAFKA_SASL_USERNAME", "webhook", "KAFKA_SASL_PASSWORD", "never-shown-4711"),
                        "KAFKA_SASL_MECHANISM (kafka.sasl.mechanism) must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"),
                bad("a Kafka truststore that does not exist",
                        ok("SINK", "kafka", "KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_LOCATION", regularFile.resolve("ca.p12").toString(),
                                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "never-shown-4711"),
                        "KAFKA_SSL_TRUSTSTORE_LOCATION (kafka.ssl.truststore.location) must be a readable file"),
                bad("a Kafka keystore its password does not open",
                        ok("SINK", "kafka", "KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_KEYSTORE_LOCATION", regularFile.toString(),
                                "KAFKA_SSL_KEYSTORE_PASSWORD", "never-shown-4711"),
                        "KAFKA_SSL_KEYSTORE_LOCATION (kafka.ssl.keystore.location) must be a PKCS12 keystore that "
                                + "KAFKA_SSL_KEYSTORE_PASSWORD (kafka.ssl.keystore.password) opens"),
                bad("several at once: each is named on the one line",
                        env("SINK", "bogus", "HTTP_PORT", "abc", "MANAGEMENT_PORT", "0", "HTTP_IDLE_TIMEOUT_SECONDS", "0",
                                "CAMEL_SERVER_MAX_BODY_SIZE", "1MB", "CLOUDEVENTS_ENABLED", "yes"),
                        "TENCENT_SDKAPPID (tencent.sdkappid) is required",
                        "SINK (sink) must be log, file or kafka, not 'bogus'",
                        "HTTP_PORT (http.port) must be a whole number from 1 to 65535 (a TCP port), not 'abc'",
                        "MANAGEMENT_PORT (management.port) must be a whole number from 1 to 65535 (a TCP port), not '0'",
                        "HTTP_IDLE_TIMEOUT_SECONDS (http.idle.timeout.seconds) must be a whole number from 1",
                        "CAMEL_SERVER_MAX_BODY_SIZE (camel.server.max-body-size) must be a whole number from 1",
                        "CLOUDEVENTS_ENABLED (cloudevents.enabled) must be true or false, not 'yes'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void aBadSettingStopsTheStartBeforeAnyPortOpens(String name, Map<String, String> env, List<String> expected) throws Exception {
        ServiceExit exit = ServiceExit.run(env, ServiceProcess.logFile("startup-" + name.replaceAll("\\W+", "-")), GIVE_UP);
        TIMES.add(String.format("%-50s exit %d after %.1f s", name, exit.exitCode(), exit.took().toMillis() / 1000.0));

        String error = assertEndedWithOneErrorLine(exit);
        assertThat(error).contains("Not started: ").contains(expected);
        assertThat(exit.output()).as("no password is ever shown").doesNotContain("never-shown-4711");
        assertThat(exit.output()).as("no port opened").doesNotContain("HttpServer started");
    }

    @ParameterizedTest(name = "{0} taken")
    @CsvSource({"HTTP_PORT, camel.server.port", "MANAGEMENT_PORT, camel.management.port"})
    void aTakenPortStopsTheService(String variable, String property) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            ServiceExit exit = ServiceExit.run(ok(variable, String.valueOf(port)), ServiceProcess.logFile("startup-port-taken-" + variable), GIVE_UP);
            TIMES.add(String.format("%-50s exit %d after %.1f s", variable + " taken", exit.exitCode(), exit.took().toMillis() / 1000.0));

            assertThat(assertEndedWithOneErrorLine(exit))
                    .contains("Cannot listen on " + property + " " + port + " (" + variable + "): Address already in use");
        }
    }

    @AfterAll
    static void report() {
        System.out.println("Start-up refusals, from java -jar to exit:");
        TIMES.forEach(System.out::println);
    }

    /** Non-zero exit within BOUND, exactly one ERROR line, no stack trace; returns the ERROR line. */
    static String assertEndedWithOneErrorLine(ServiceExit exit) {
        assertThat(exit.exitCode()).as("exit code").isNotZero();
        assertThat(exit.took()).as("time from start to exit").isLessThan(BOUND);
        List<String> errors = exit.lines().stream().filter(l -> l.contains(" ERROR ")).toList();
        assertThat(errors).as("ERROR lines in:\n%s", exit.output()).hasSize(1);
        assertThat(exit.lines()).as("a stack trace in:\n%s", exit.output())
                .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by: ") || l.startsWith("Exception in thread"));
        return errors.get(0);
    }

    static Arguments bad(String name, Map<String, String> env, String... expected) {
        return Arguments.of(name, env, List.of(expected));
    }

    /** Valid settings (the demo SdkAppid) with the given ones on top. */
    static Map<String, String> ok(String... keyValues) {
        Map<String, String> env = env("TENCENT_SDKAPPID", WebhookService.SDKAPPID);
        env.putAll(env(keyValues));
        return env;
    }

    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }
}
