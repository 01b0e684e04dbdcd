package live.webhook.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.LoggerFactory;

/**
 * The real service, booted in the test JVM: camel-main with the routes from {@code routes/} and the
 * real {@code application.properties}, on a free port, reached over a real HTTP socket.
 * Settings a test needs are given the way an operator gives them (property overrides).
 */
public final class WebhookService implements AutoCloseable {

    public static final String SDKAPPID = "1400000001";
    public static final String SET = "Live.CallbackAfterSetMetadata";
    public static final String DEL = "Live.CallbackAfterDelMetadata";

    private final Main main = new Main();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final CapturingAppender metadataLog = new CapturingAppender();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    private WebhookService(Map<String, String> overrides) {
        this.port = freePort();
        settings.put("tencent.sdkappid", SDKAPPID);
        settings.put("http.port", String.valueOf(port));
        settings.put("management.port", String.valueOf(freePort()));
        settings.putAll(overrides);
        settings.forEach(main::addOverrideProperty);
        // Counts the exchanges sent to each endpoint (direct:check-sign, direct:unmarshal, ...), with
        // Camel's own event notification, whatever metrics the routes keep.
        EventNotifierSupport sent = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof ExchangeSendingEvent e) {
                    calls.computeIfAbsent(e.getEndpoint().getEndpointUri(), k -> new LongAdder()).increment();
                } else if (event instanceof ExchangeCompletedEvent e && e.getExchange().getFromRouteId() != null) {
                    calls.computeIfAbsent("route:" + e.getExchange().getFromRouteId(), k -> new LongAdder()).increment();
                }
            }
        };
        sent.setIgnoreExchangeSentEvents(true);
        sent.setIgnoreExchangeCreatedEvent(true);
        sent.setIgnoreExchangeFailedEvents(true);
        sent.setIgnoreExchangeRedeliveryEvents(true);
        sent.setIgnoreExchangeAsyncProcessingStartedEvents(true);
        sent.setIgnoreStepEvents(true);
        main.bind("testSentExchanges", sent);
    }

    /** How many exchanges that a route's consumer created have completed so far. */
    public long completedFrom(String routeId) {
        return sentTo("route:" + routeId);
    }

    /** How many exchanges the routes sent to the endpoint so far, for example "direct://check-sign". */
    public long sentTo(String endpointUri) {
        LongAdder count = calls.get(endpointUri);
        return count == null ? 0 : count.sum();
    }

    /** Starts the service with the given property overrides (key=value pairs). */
    public static WebhookService start(String... keyValues) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        WebhookService service = new WebhookService(overrides);
        service.doStart();
        return service;
    }

    private void doStart() {
        Logger logger = (Logger) LoggerFactory.getLogger("tencent.live.room-metadata");
        metadataLog.setContext(logger.getLoggerContext());
        metadataLog.start();
        logger.addAppender(metadataLog);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("service did not start", e);
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int port() {
        return port;
    }

    public String setting(String key) {
        return settings.get(key);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** The port of health and metrics (camel-main's management server, always plain HTTP). */
    public int managementPort() {
        return Integer.parseInt(settings.get("management.port"));
    }

    /** GET on the management port, for example {@code /observe/health}. */
    public HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + path)));
    }

    /** The query string Tencent appends, for our SdkAppid and the given command. */
    public static String query(String command) {
        return "?SdkAppid=" + SDKAPPID + "&CallbackCommand=" + command
                + "&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI";
    }

    public HttpResponse<String> post(String query, String body) {
        return send(HttpRequest.newBuilder(uri("/callback" + query))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient httpClient() {
        return http;
    }

    /** The lines the log sink wrote, in order. */
    public List<String> loggedMessages() {
        return List.copyOf(metadataLog.lines);
    }

    @Override
    public void close() {
        main.stop();
        Logger logger = (Logger) LoggerFactory.getLogger("tencent.live.room-metadata");
        logger.detachAppender(metadataLog);
    }

    public static String sample(String name) {
        try {
            return Files.readString(Path.of("src", "test", "resources", "samples", name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CapturingAppender extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    }
}
