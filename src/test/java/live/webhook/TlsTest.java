package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.RawHttp;
import live.webhook.support.RoutedFiles;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls.enabled=true: the webhook port speaks HTTPS only, with a keystore made for this test by the
 * JDK's keytool; the management port stays plain HTTP.
 */
class TlsTest {

    static final String PASSWORD = "test-keystore-pass";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path keystore;
    static Path out;
    static WebhookService service;
    static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        keystore = dir.resolve("keystore.p12");
        out = Files.createDirectories(dir.resolve("out"));
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString(),
                "tls.enabled", "true", "tls.keystore", "file:" + keystore, "tls.keystore.password", PASSWORD);

        // Trust exactly the certificate just made, and check the host name against it.
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static KeyStore load() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    static HttpRequest webhook(String scheme) {
        return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + service.port() + "/callback" + query(SET)))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sample("set-metadata.json")))
                .build();
    }

    @Test
    void webhooksAreServedOverHttpsWithTheConfiguredCertificate() throws Exception {
        int before = RoutedFiles.lines(out).size();

        HttpResponse<String> response = https.send(webhook("https"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(response.body(), Map.class)).containsEntry("ActionStatus", "OK");
        assertThat(RoutedFiles.lines(out)).hasSize(before + 2);
        Certificate served = response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served).isEqualTo(load().getCertificate("webhook"));
    }

    @Test
    void plainHttpOnTheWebhookPortGetsNoHttpAnswerAndRoutesNothing() {
        int before = RoutedFiles.files(out).size();

        RawHttp.Exchange plain = RawHttp.send(service.port(),
                RawHttp.Request.to("/callback" + query(SET)).json().body(sample("set-metadata.json")), Duration.ofSeconds(2));

        assertThat(plain.answered()).as("an HTTP answer to plain HTTP").isFalse();
        assertThat(new String(plain.received(), StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/");
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(webhook("http"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(RoutedFiles.files(out)).hasSize(before);
        // And the TLS side is still fine afterwards.
        assertThat(https.sendAsync(webhook("https"), HttpResponse.BodyHandlers.ofString()).join().statusCode()).isEqualTo(200);
    }

    @Test
    void managementStaysOnPlainHttp() throws Exception {
        for (String path : List.of("/observe/health", "/observe/health/ready")) {
            HttpResponse<String> health = service.management(path);
            assertThat(health.statusCode()).as(path).isEqualTo(200);
            assertThat(JSON.readValue(health.body(), Map.class)).as(path).containsEntry("status", "UP");
        }
    }
}
