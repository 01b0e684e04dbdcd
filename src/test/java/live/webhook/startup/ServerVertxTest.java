package live.webhook.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import live.webhook.support.WebhookService;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ServerVertx's bean as VertxPlatformHttpServer uses it: createHttpServer, requestHandler,
 * listen(port, host, handler) with a handler that throws on failure, as Camel's does.
 */
class ServerVertxTest {

    static final Duration BOUND = Duration.ofSeconds(10);

    final AtomicInteger halts = new AtomicInteger();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    CamelContext context;
    /** The bean, as the servers see it. */
    Vertx vertx;
    /** What the bean does, for what only the test asks of it. */
    ServerVertx hooks;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        if (hooks != null) {
            for (Vertx made : hooks.made()) {
                made.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The bean as camel-main builds it, with the given settings, bound as "vertx", context started; halting only counts. */
    Vertx bean(String... keyValues) {
        Vertx bean = unstartedBean(keyValues);
        context.start();
        return bean;
    }

    Vertx unstartedBean(String... keyValues) {
        Properties settings = new Properties();
        settings.setProperty("http.idle.timeout.seconds", "1");
        settings.setProperty("camel.server.port", "8080");
        settings.setProperty("camel.management.port", "9876");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.setProperty(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(settings);
        Vertx bean = ServerVertx.vertx();
        hooks = hooks(bean);
        hooks.halt = halts::incrementAndGet;
        context.getRegistry().bind("vertx", bean);
        return bean;
    }

    static ServerVertx hooks(Vertx bean) {
        return (ServerVertx) Proxy.getInvocationHandler(bean);
    }

    /** A server that answers every request with the Content-Type it saw, as Camel starts it. */
    HttpServer listening(Vertx vertx) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions());
        CompletableFuture<AsyncResult<HttpServer>> listened = new CompletableFuture<>();
        server.requestHandler(request -> request.response()
                .putHeader("X-Daemon", String.valueOf(Thread.currentThread().isDaemon()))
                .putHeader("X-Own-Vertx", String.valueOf(hooks(vertx).made().indexOf(hooks(vertx).current())))
                .end(String.valueOf(request.getHeader("Content-Type"))))
                .listen(0, "127.0.0.1", listened::complete);
        assertThat(listened.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
        return server;
    }

    @Test
    void aConnectionIdleForTheTimeoutIsClosed() throws Exception {
        vertx = bean("http.idle.timeout.seconds", "1");
        HttpServer server = listening(vertx);

        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 2000);
            silent.setSoTimeout(15_000);
            long from = System.nanoTime();
            CompletableFuture<Duration> closed = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = silent.getInputStream()) {
                    while (in.read() >= 0) {
                        // nothing is sent; read to the end of the stream
                    }
                    return Duration.ofNanos(System.nanoTime() - from);
                } catch (IOException e) {
                    throw new IllegalStateException("not closed by the server: " + e, e);
                }
            });
            await("closed by the server").atMost(BOUND).until(closed::isDone);
            assertThat(closed.get()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        }
    }

    @Test
    void eachServerHasItsOwnVertxOfDaemonThreadsMadeWithTheVertxOptionsBean() throws Exception {
        context.getRegistry().bind("vertxOptions", new VertxOptions().setEventLoopPoolSize(3));
        vertx = bean();
        HttpServer webhooks = listening(vertx);
        HttpServer management = listening(vertx);

        assertThat(hooks.made()).hasSize(2).doesNotHaveDuplicates();
        for (Vertx made : hooks.made()) {
            assertThat(((MultithreadEventExecutorGroup) made.nettyEventLoopGroup()).executorCount()).isEqualTo(3);
        }
        HttpResponse<String> first = get(webhooks, "multipart/form-data; boundary=b");
        HttpResponse<String> second = get(management, "application/json");

        assertThat(first.body()).as("renamed before the router").isEqualTo("multipart/x-undecoded-form-data; boundary=b");
        assertThat(second.body()).isEqualTo("application/json");
        assertThat(first.headers().firstValue("X-Own-Vertx")).as("called from the first server's thread").hasValue("0");
        assertThat(second.headers().firstValue("X-Own-Vertx")).as("called from the second server's thread").hasValue("1");
        assertThat(first.headers().firstValue("X-Daemon")).hasValue("true");
        // Off any server's thread: the first.
        assertThat(hooks.current()).isSameAs(hooks.made().get(0));
    }

    @Test
    void theVertxInstancesCloseWhenTheContextStops() throws Exception {
        vertx = bean();
        HttpServer server = listening(vertx);
        int port = server.actualPort();
        assertThat(get(server, "text/plain").statusCode()).isEqualTo(200);

        context.stop();

        await("the server's Vert.x closed").atMost(BOUND).until(() -> refused(port));
    }

    @Test
    void theSecondBuildOfTheBeanSharesTheFirstOnesVertxAndCloseStrategy() throws Exception {
        vertx = bean();
        Vertx second = ServerVertx.vertx();
        ((CamelContextAware) second).setCamelContext(context);

        listening(vertx);
        listening(second);

        assertThat(hooks(second).made()).hasSize(2).containsExactlyElementsOf(hooks.made());
        assertThat(hooks(second).current()).isSameAs(hooks.current());
        assertThat(context.getLifecycleStrategies())
                .filteredOn(strategy -> strategy.getClass().getName().startsWith(ServerVertx.class.getName()))
                .hasSize(1);
    }

    @Test
    void aPortThatCannotBeBoundHaltsWithOneErrorLineNamingTheSetting() throws Exception {
        try (ServerSocket webhookPort = new ServerSocket(0); ServerSocket managementPort = new ServerSocket(0);
                CapturedLog log = new CapturedLog()) {
            vertx = bean("camel.server.port", String.valueOf(webhookPort.getLocalPort()),
                    "camel.management.port", String.valueOf(managementPort.getLocalPort()));
            List<AsyncResult<HttpServer>> told = new CopyOnWriteArrayList<>();
            for (ServerSocket taken : List.of(webhookPort, managementPort)) {
                vertx.createHttpServer(new HttpServerOptions()).requestHandler(request -> request.response().end())
                        .listen(taken.getLocalPort(), "0.0.0.0", result -> {
                            told.add(result);
                            if (result.failed()) {
                                // as VertxPlatformHttpServer does, on the event loop
                                throw new RuntimeException(result.cause());
                            }
                        });
            }

            await("both listen handlers called").atMost(BOUND).until(() -> told.size() == 2);
            assertThat(told).allMatch(AsyncResult::failed);
            assertThat(halts.get()).as("halted once").isEqualTo(1);
            assertThat(log.lines()).as("one line, for the first port that failed").hasSize(1);
            assertThat(log.lines().get(0)).isIn(
                    "ERROR Cannot listen on camel.server.port " + webhookPort.getLocalPort() + " (HTTP_PORT): Address already in use; stopping",
                    "ERROR Cannot listen on camel.management.port " + managementPort.getLocalPort() + " (MANAGEMENT_PORT): Address already in use; stopping");
            assertThat(log.events().get(0).getThreadName()).startsWith("vert.x-eventloop-thread-");
        }
    }

    @Test
    void aPortThatIsNeitherSettingIsNamedByNumber() throws Exception {
        try (ServerSocket taken = new ServerSocket(0); CapturedLog log = new CapturedLog()) {
            vertx = bean();
            CompletableFuture<AsyncResult<HttpServer>> told = new CompletableFuture<>();
            vertx.createHttpServer(new HttpServerOptions()).requestHandler(request -> request.response().end())
                    .listen(taken.getLocalPort(), "0.0.0.0", told::complete);

            await().atMost(BOUND).until(() -> halts.get() == 1);
            assertThat(told.get(10, TimeUnit.SECONDS).failed()).isTrue();
            assertThat(log.lines()).containsExactly(
                    "ERROR Cannot listen on port " + taken.getLocalPort() + ": Address already in use; stopping");
        }
    }

    @Test
    void theWebhookPathAnswers503FailJsonWhileTheContextIsNotStartedOrNoRouteTakesIt() throws Exception {
        int port = WebhookService.freePort();
        vertx = unstartedBean("camel.server.port", String.valueOf(port), "webhook.path", "/callback");
        HttpServer server = platformHttpServer(port);
        Router router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        // As platform-http adds a consumer's route when the route starts.
        Route webhook = router.route("/callback").handler(request -> request.response().end("routed"));

        assertThat(post(server, "/callback")).as("before the context has started")
                .isEqualTo("503 {\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"Service is starting\",\"ErrorCode\":5030}");
        assertThat(post(server, "/other")).as("any other path").startsWith("404 ");

        context.start();
        assertThat(post(server, "/callback")).isEqualTo("200 routed");

        webhook.remove();
        assertThat(post(server, "/callback")).as("no route takes it")
                .isEqualTo("503 {\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"Service is starting\",\"ErrorCode\":5030}");
        router.route("/callback").handler(request -> request.response().end("routed again"));
        assertThat(post(server, "/callback")).isEqualTo("200 routed again");

        // A service that holds the context in its stopping state until the test has asked.
        CountDownLatch stopping = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                stopping.countDown();
                asked.await(10, TimeUnit.SECONDS);
            }
        });
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(context::stop);
        assertThat(stopping.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(post(server, "/callback")).as("while the context stops")
                    .isEqualTo("503 {\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"Service is stopping\",\"ErrorCode\":5030}");
        } finally {
            asked.countDown();
        }
        stopped.get(10, TimeUnit.SECONDS);
        await("the server's Vert.x closed").atMost(BOUND).until(() -> refused(port));
    }

    @Test
    void theManagementPortGetsNoWebhookRoutes() throws Exception {
        int port = WebhookService.freePort();
        vertx = unstartedBean("camel.management.port", String.valueOf(port), "webhook.path", "/callback");
        HttpServer server = platformHttpServer(port);

        assertThat(post(server, "/callback")).startsWith("404 ");
    }

    /** A server on the given port whose request handler is a platform-http router bound for that port, as VertxPlatformHttpServer makes it. */
    HttpServer platformHttpServer(int port) throws Exception {
        Router router = Router.router(vertx);
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(port);
        context.getRegistry().bind(name, new VertxPlatformHttpRouter(null, vertx, router, name));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions());
        CompletableFuture<AsyncResult<HttpServer>> listened = new CompletableFuture<>();
        server.requestHandler(router).listen(port, "127.0.0.1", listened::complete);
        assertThat(listened.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
        return server;
    }

    /** "status body" of a POST with a JSON body. */
    String post(HttpServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"RoomId\":\"r\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    HttpResponse<String> get(HttpServer server, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
