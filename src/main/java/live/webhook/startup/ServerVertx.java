package live.webhook.startup;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.TimeoutStream;
import io.vertx.core.Timer;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientBuilder;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.shareddata.SharedData;
import io.vertx.core.spi.VerticleFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x of camel-main's two HTTP servers (platform-http-vertx uses a Vertx bean when there is
 * one), for what camel-main has no setting for:
 * <ul>
 * <li>an idle timeout: a connection on which nothing was read or written for
 * {@code http.idle.timeout.seconds} is closed (Vert.x's own default is never);</li>
 * <li>a port that cannot be bound ends the process, exit code 1, with one ERROR line. Left alone,
 * Vert.x reports the failure on its event loop only, and the service would run on without that
 * port, healthy by its own probes when it is the webhook port ({@link ListenWatchingServer});</li>
 * <li>a multipart/form-data body is not taken apart as a form, so even a malformed one gets the
 * route's FAIL JSON (415) instead of Vert.x's plain-text 400 ({@link UndecodedMultipart}).</li>
 * </ul>
 * Each server still gets a Vert.x of its own, as when camel-main makes them, made with the
 * VertxOptions bean if there is one: the worker pool that runs webhooks is not the one that answers
 * health and metrics, so probes never wait behind slow webhooks.
 * <p>
 * Camel does not close a Vert.x it did not create: these close when the context has stopped, and
 * their threads are daemons, so that they never keep a JVM alive.
 * <p>
 * Nothing is made before it is used, and then once per CamelContext: camel-main builds a YAML bean
 * twice (a pre-parse, then the load), unbinds the first and binds the second, and its HTTP servers
 * have already taken the first by then. The second takes the first's set of Vert.x instances (see
 * {@link #setCamelContext(CamelContext)}), so there is one set, one lifecycle strategy that closes
 * it, whichever instance is called. Settings and beans are read when the servers are made, after
 * SettingsCheck has checked the settings and camel-main has bound every bean.
 * <p>
 * Every Vertx method is delegated to {@link #current()}, except {@link #createHttpServer(HttpServerOptions)}.
 */
public class ServerVertx implements Vertx, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger("tencent.live.webhook");

    private CamelContext camelContext;
    private volatile Made made = new Made();
    /**
     * What ends the process on a port that cannot be bound. A port is bound only while the service
     * starts, before any webhook is taken, so there is nothing to finish: halt at once. System.exit
     * would run the shutdown hooks while the main thread is still starting Camel, which then fails
     * as well and prints a second error with a stack trace.
     */
    volatile Runnable halt = () -> Runtime.getRuntime().halt(1);

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        // camel-main builds this bean twice, and the servers keep the first while the registry ends
        // up with the second: the second takes the first's Vert.x instances (made or not yet made),
        // so that whichever one is called, there is only one set.
        for (ServerVertx bound : camelContext.getRegistry().findByType(ServerVertx.class)) {
            if (bound != this && bound.camelContext == camelContext) {
                made = bound.made;
                break;
            }
        }
    }

    /** The Vert.x instances of one CamelContext's servers, and what was done for them. */
    private static final class Made {
        final List<Vertx> instances = new CopyOnWriteArrayList<>();
        final AtomicBoolean exiting = new AtomicBoolean();
        int servers;
        boolean closedWithContext;
    }

    /**
     * A server's router holds this bean and calls it while it serves (executeBlocking for each
     * webhook and probe): such a call goes to the Vert.x of the calling thread, the one of that
     * server; any other to the first.
     */
    Vertx current() {
        Context context = Vertx.currentContext();
        if (context != null && made.instances.contains(context.owner())) {
            return context.owner();
        }
        synchronized (made) {
            if (made.instances.isEmpty()) {
                made.instances.add(make());
            }
        }
        return made.instances.get(0);
    }

    /** The Vert.x instances made so far, the first one first. */
    List<Vertx> made() {
        return List.copyOf(made.instances);
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        Vertx own;
        synchronized (made) {
            own = made.servers++ == 0 ? current() : make();
            if (!made.instances.contains(own)) {
                made.instances.add(own);
            }
        }
        HttpServerOptions idle = new HttpServerOptions(options).setIdleTimeout(Integer.parseInt(setting("http.idle.timeout.seconds").trim()));
        return new ListenWatchingServer(own.createHttpServer(idle), this::listenFailed);
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }

    private Vertx make() {
        VertxOptions configured = camelContext.getRegistry().findSingleByType(VertxOptions.class);
        Vertx vertx = Vertx.vertx(new VertxOptions(configured != null ? configured : new VertxOptions()).setUseDaemonThread(true));
        synchronized (made) {
            if (!made.closedWithContext) {
                made.closedWithContext = true;
                List<Vertx> instances = made.instances;
                camelContext.addLifecycleStrategy(new LifecycleStrategySupport() {
                    @Override
                    public void onContextStopped(CamelContext stopped) {
                        instances.forEach(Vertx::close);
                    }
                });
            }
        }
        return vertx;
    }

    private String setting(String key) {
        return camelContext.resolvePropertyPlaceholders("{{" + key + "}}");
    }

    private void listenFailed(int port, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (made.exiting.compareAndSet(false, true)) {
            String which = port == Integer.parseInt(setting("camel.server.port").trim()) ? "camel.server.port " + port + " (HTTP_PORT)"
                    : port == Integer.parseInt(setting("camel.management.port").trim()) ? "camel.management.port " + port + " (MANAGEMENT_PORT)"
                    : "port " + port;
            LOG.error("Cannot listen on {}: {}; stopping", which, root.getMessage());
            halt.run();
        }
    }

    // Everything else: the Vert.x of the calling thread's server, or the first.

    @Override
    public Context getOrCreateContext() {
        return current().getOrCreateContext();
    }

    @Override
    public NetServer createNetServer(NetServerOptions options) {
        return current().createNetServer(options);
    }

    @Override
    public NetServer createNetServer() {
        return current().createNetServer();
    }

    @Override
    public NetClient createNetClient(NetClientOptions options) {
        return current().createNetClient(options);
    }

    @Override
    public NetClient createNetClient() {
        return current().createNetClient();
    }

    @Override
    public WebSocketClient createWebSocketClient() {
        return current().createWebSocketClient();
    }

    @Override
    public WebSocketClient createWebSocketClient(WebSocketClientOptions options) {
        return current().createWebSocketClient(options);
    }

    @Override
    public HttpClientBuilder httpClientBuilder() {
        return current().httpClientBuilder();
    }

    @Override
    public HttpClient createHttpClient(HttpClientOptions clientOptions, PoolOptions poolOptions) {
        return current().createHttpClient(clientOptions, poolOptions);
    }

    @Override
    public HttpClient createHttpClient(HttpClientOptions clientOptions) {
        return current().createHttpClient(clientOptions);
    }

    @Override
    public HttpClient createHttpClient(PoolOptions poolOptions) {
        return current().createHttpClient(poolOptions);
    }

    @Override
    public HttpClient createHttpClient() {
        return current().createHttpClient();
    }

    @Override
    public DatagramSocket createDatagramSocket(DatagramSocketOptions options) {
        return current().createDatagramSocket(options);
    }

    @Override
    public DatagramSocket createDatagramSocket() {
        return current().createDatagramSocket();
    }

    @Override
    public FileSystem fileSystem() {
        return current().fileSystem();
    }

    @Override
    public EventBus eventBus() {
        return current().eventBus();
    }

    @Override
    public DnsClient createDnsClient(int port, String host) {
        return current().createDnsClient(port, host);
    }

    @Override
    public DnsClient createDnsClient() {
        return current().createDnsClient();
    }

    @Override
    public DnsClient createDnsClient(DnsClientOptions options) {
        return current().createDnsClient(options);
    }

    @Override
    public SharedData sharedData() {
        return current().sharedData();
    }

    @Override
    public Timer timer(long delay) {
        return current().timer(delay);
    }

    @Override
    public Timer timer(long delay, TimeUnit unit) {
        return current().timer(delay, unit);
    }

    @Override
    public long setTimer(long delay, Handler<Long> handler) {
        return current().setTimer(delay, handler);
    }

    @Override
    public TimeoutStream timerStream(long delay) {
        return current().timerStream(delay);
    }

    @Override
    public long setPeriodic(long delay, Handler<Long> handler) {
        return current().setPeriodic(delay, handler);
    }

    @Override
    public long setPeriodic(long initialDelay, long delay, Handler<Long> handler) {
        return current().setPeriodic(initialDelay, delay, handler);
    }

    @Override
    public TimeoutStream periodicStream(long delay) {
        return current().periodicStream(delay);
    }

    @Override
    public TimeoutStream periodicStream(long initialDelay, long delay) {
        return current().periodicStream(initialDelay, delay);
    }

    @Override
    public boolean cancelTimer(long id) {
        return current().cancelTimer(id);
    }

    @Override
    public void runOnContext(Handler<Void> action) {
        current().runOnContext(action);
    }

    @Override
    public Future<Void> close() {
        return current().close();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> completionHandler) {
        current().close(completionHandler);
    }

    @Override
    public Future<String> deployVerticle(Verticle verticle) {
        return current().deployVerticle(verticle);
    }

    @Override
    public void deployVerticle(Verticle verticle, Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(verticle, completionHandler);
    }

    @Override
    public Future<String> deployVerticle(Verticle verticle, DeploymentOptions options) {
        return current().deployVerticle(verticle, options);
    }

    @Override
    public Future<String> deployVerticle(Class<? extends Verticle> verticleClass, DeploymentOptions options) {
        return current().deployVerticle(verticleClass, options);
    }

    @Override
    public Future<String> deployVerticle(Supplier<Verticle> verticleSupplier, DeploymentOptions options) {
        return current().deployVerticle(verticleSupplier, options);
    }

    @Override
    public void deployVerticle(Verticle verticle, DeploymentOptions options, Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(verticle, options, completionHandler);
    }

    @Override
    public void deployVerticle(Class<? extends Verticle> verticleClass, DeploymentOptions options,
            Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(verticleClass, options, completionHandler);
    }

    @Override
    public void deployVerticle(Supplier<Verticle> verticleSupplier, DeploymentOptions options,
            Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(verticleSupplier, options, completionHandler);
    }

    @Override
    public Future<String> deployVerticle(String name) {
        return current().deployVerticle(name);
    }

    @Override
    public void deployVerticle(String name, Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(name, completionHandler);
    }

    @Override
    public Future<String> deployVerticle(String name, DeploymentOptions options) {
        return current().deployVerticle(name, options);
    }

    @Override
    public void deployVerticle(String name, DeploymentOptions options, Handler<AsyncResult<String>> completionHandler) {
        current().deployVerticle(name, options, completionHandler);
    }

    @Override
    public Future<Void> undeploy(String deploymentID) {
        return current().undeploy(deploymentID);
    }

    @Override
    public void undeploy(String deploymentID, Handler<AsyncResult<Void>> completionHandler) {
        current().undeploy(deploymentID, completionHandler);
    }

    @Override
    public Set<String> deploymentIDs() {
        return current().deploymentIDs();
    }

    @Override
    public void registerVerticleFactory(VerticleFactory factory) {
        current().registerVerticleFactory(factory);
    }

    @Override
    public void unregisterVerticleFactory(VerticleFactory factory) {
        current().unregisterVerticleFactory(factory);
    }

    @Override
    public Set<VerticleFactory> verticleFactories() {
        return current().verticleFactories();
    }

    @Override
    public boolean isClustered() {
        return current().isClustered();
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> void executeBlocking(Handler<Promise<T>> blockingCodeHandler, boolean ordered,
            Handler<AsyncResult<T>> resultHandler) {
        current().executeBlocking(blockingCodeHandler, ordered, resultHandler);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> void executeBlocking(Handler<Promise<T>> blockingCodeHandler, Handler<AsyncResult<T>> resultHandler) {
        current().executeBlocking(blockingCodeHandler, resultHandler);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> Future<T> executeBlocking(Handler<Promise<T>> blockingCodeHandler, boolean ordered) {
        return current().executeBlocking(blockingCodeHandler, ordered);
    }

    @Override
    public <T> Future<T> executeBlocking(Callable<T> blockingCodeHandler, boolean ordered) {
        return current().executeBlocking(blockingCodeHandler, ordered);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> void executeBlocking(Callable<T> blockingCodeHandler, Handler<AsyncResult<T>> resultHandler) {
        current().executeBlocking(blockingCodeHandler, resultHandler);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> void executeBlocking(Callable<T> blockingCodeHandler, boolean ordered, Handler<AsyncResult<T>> resultHandler) {
        current().executeBlocking(blockingCodeHandler, ordered, resultHandler);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> Future<T> executeBlocking(Handler<Promise<T>> blockingCodeHandler) {
        return current().executeBlocking(blockingCodeHandler);
    }

    @Override
    public <T> Future<T> executeBlocking(Callable<T> blockingCodeHandler) {
        return current().executeBlocking(blockingCodeHandler);
    }

    @Override
    public EventLoopGroup nettyEventLoopGroup() {
        return current().nettyEventLoopGroup();
    }

    @Override
    public WorkerExecutor createSharedWorkerExecutor(String name) {
        return current().createSharedWorkerExecutor(name);
    }

    @Override
    public WorkerExecutor createSharedWorkerExecutor(String name, int poolSize) {
        return current().createSharedWorkerExecutor(name, poolSize);
    }

    @Override
    public WorkerExecutor createSharedWorkerExecutor(String name, int poolSize, long maxExecuteTime) {
        return current().createSharedWorkerExecutor(name, poolSize, maxExecuteTime);
    }

    @Override
    public WorkerExecutor createSharedWorkerExecutor(String name, int poolSize, long maxExecuteTime, TimeUnit maxExecuteTimeUnit) {
        return current().createSharedWorkerExecutor(name, poolSize, maxExecuteTime, maxExecuteTimeUnit);
    }

    @Override
    public boolean isNativeTransportEnabled() {
        return current().isNativeTransportEnabled();
    }

    @Override
    public Throwable unavailableNativeTransportCause() {
        return current().unavailableNativeTransportCause();
    }

    @Override
    public Vertx exceptionHandler(Handler<Throwable> handler) {
        current().exceptionHandler(handler);
        return this;
    }

    @Override
    public Handler<Throwable> exceptionHandler() {
        return current().exceptionHandler();
    }

    @Override
    public boolean isMetricsEnabled() {
        return current().isMetricsEnabled();
    }
}
