package live.webhook.startup;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import live.webhook.receive.ErrorCode;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x bean of camel-main's two HTTP servers, for what camel-main has no setting for. Both
 * servers (camel-platform-http-main's MainHttpServer and ManagementHttpServer) make a
 * VertxPlatformHttpServer with {@code new} and use the one Vertx bean of the registry if there is
 * one; its startServer() builds {@code new HttpServerOptions()} itself and calls
 * {@code vertx.createHttpServer(options).requestHandler(router).listen(port, host, handler)}. That
 * call is the only place where a server's options, request handler and bind result can all be
 * reached, so the bean is a {@link Proxy} of {@link Vertx} that changes createHttpServer only, and
 * the server it returns is a proxy that changes requestHandler and that listen only:
 * <ul>
 * <li>an idle timeout: a connection on which nothing was read or written for
 * {@code http.idle.timeout.seconds} is closed (Vert.x's own default is never);</li>
 * <li>a port that cannot be bound ends the process, exit code 1, with one ERROR line. Left alone,
 * VertxPlatformHttpServer logs a WARN and throws on the event loop, where nobody waits, and the
 * service would run on without that port, healthy by its own probes when it is the webhook port;</li>
 * <li>a multipart/form-data body is not taken apart as a form, so even a malformed one gets the
 * route's FAIL JSON (415) instead of Vert.x's plain-text 400 ({@link UndecodedMultipart});</li>
 * <li>no 404 from a starting or stopping service. camel-main starts its servers as services, before
 * any route (BaseMainSupport adds them with addService(server, true, true)): the webhook port
 * listens 0.1-1.5 s before platform-http adds the webhook route to the router, and at shutdown the
 * route is removed tens of milliseconds or more before the port closes. Vert.x answers 404 there,
 * which tells Tencent (which does not retry) that the URL is wrong. Before its port is bound, the
 * webhook path gets two Vert.x routes on the server's platform-http router: a first one that
 * answers 503 with the FAIL JSON while the CamelContext is not started (starting, or stopping from
 * SIGTERM on, where platform-http would answer a suspended route with an empty 503), and a last
 * one that answers the same when no route took the request (the webhook route not added yet,
 * removed, or being reloaded). Listening only once the routes have started would leave the
 * shutdown window open, and a bind failure would then come after routes such as spool-drain had
 * begun work that a halt interrupts.</li>
 * </ul>
 * Each server gets a Vert.x of its own, as when camel-main makes them, made with the VertxOptions
 * bean if there is one: the worker pool that runs webhooks is not the one that answers health and
 * metrics, so probes never wait behind slow webhooks. Every other Vertx call goes to the Vert.x of
 * the calling thread's server (a router calls executeBlocking for each request), else the first.
 * <p>
 * Camel does not close a Vert.x it did not create: these close when the context has stopped, and
 * their threads are daemons, so that they never keep a JVM alive.
 * <p>
 * Nothing is made before it is used, and then once per CamelContext: camel-main builds a YAML bean
 * twice (a pre-parse, then the load) and its servers keep the first while the registry ends up with
 * the second, so the Vert.x instances belong to the context, not to the bean.
 */
public final class ServerVertx implements InvocationHandler {

    private static final Logger LOG = LoggerFactory.getLogger("tencent.live.webhook");

    /** The bean (YAML {@code factoryMethod: vertx}); the registry hands it the CamelContext. */
    public static Vertx vertx() {
        return (Vertx) Proxy.newProxyInstance(ServerVertx.class.getClassLoader(),
                new Class<?>[] {Vertx.class, CamelContextAware.class}, new ServerVertx());
    }

    private volatile CamelContext camelContext;
    private volatile Made made;
    /**
     * What ends the process on a port that cannot be bound. Ports are bound while the service
     * starts, before any route, so there is nothing to finish: halt at once. System.exit would run
     * the shutdown hooks while the main thread is still starting Camel, which then fails as well and
     * prints a second error with a stack trace.
     */
    volatile Runnable halt = () -> Runtime.getRuntime().halt(1);

    /** The Vert.x instances of one CamelContext's servers; closed when it has stopped. */
    private static final class Made extends LifecycleStrategySupport {
        final List<Vertx> instances = new CopyOnWriteArrayList<>();
        final AtomicBoolean exiting = new AtomicBoolean();
        int servers;

        @Override
        public void onContextStopped(CamelContext stopped) {
            instances.forEach(Vertx::close);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
            case "setCamelContext" -> {
                camelContext = (CamelContext) args[0];
                made = madeFor(camelContext);
                yield null;
            }
            case "getCamelContext" -> camelContext;
            case "createHttpServer" -> createHttpServer(args == null ? new HttpServerOptions() : (HttpServerOptions) args[0]);
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "ServerVertx" + made();
            default -> call(current(), method, args);
        };
    }

    private static Made madeFor(CamelContext context) {
        synchronized (context) {
            Made made = context.getCamelContextExtension().getContextPlugin(Made.class);
            if (made == null) {
                made = new Made();
                context.getCamelContextExtension().addContextPlugin(Made.class, made);
                context.addLifecycleStrategy(made);
            }
            return made;
        }
    }

    /** The Vert.x of the calling thread's server, else the first (made now if none is). */
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
        return made == null ? List.of() : List.copyOf(made.instances);
    }

    private HttpServer createHttpServer(HttpServerOptions options) {
        Vertx own;
        synchronized (made) {
            own = made.servers++ == 0 ? current() : make();
            if (!made.instances.contains(own)) {
                made.instances.add(own);
            }
        }
        HttpServer server = own.createHttpServer(new HttpServerOptions(options).setIdleTimeout(setting("http.idle.timeout.seconds")));
        return (HttpServer) Proxy.newProxyInstance(ServerVertx.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    Object result = call(server, method, serverCall(method, args));
                    return result == server ? proxy : result;
                });
    }

    /** The arguments VertxPlatformHttpServer passes, changed for requestHandler(router) and listen(port, host, handler). */
    @SuppressWarnings("unchecked")
    private Object[] serverCall(Method method, Object[] args) {
        if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
            return new Object[] {new UndecodedMultipart((Handler<HttpServerRequest>) args[0])};
        }
        if (method.getName().equals("listen") && args != null && args.length == 3) {
            int port = (Integer) args[0];
            if (port == setting("camel.server.port")) {
                unavailableUntilRouted(port);
            }
            Handler<AsyncResult<HttpServer>> handler = (Handler<AsyncResult<HttpServer>>) args[2];
            return new Object[] {port, args[1], (Handler<AsyncResult<HttpServer>>) result -> {
                if (result.succeeded()) {
                    handler.handle(result);
                    return;
                }
                listenFailed(port, result.cause());
                try {
                    handler.handle(result);
                } catch (RuntimeException reported) {
                    // the same failure, rethrown by VertxPlatformHttpServer's handler; reported above
                }
            }};
        }
        return args;
    }

    private void unavailableUntilRouted(int port) {
        Router router = VertxPlatformHttpRouter.lookup(camelContext, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router != null) {
            String path = camelContext.resolvePropertyPlaceholders("{{webhook.path}}");
            router.route(path).order(Integer.MIN_VALUE).handler(request -> {
                if (camelContext.isStarted()) {
                    request.next();
                } else {
                    unavailable(request);
                }
            });
            router.route(path).last().handler(this::unavailable);
        }
    }

    private void unavailable(RoutingContext request) {
        ErrorCode code = camelContext.isStopping() ? ErrorCode.SERVICE_STOPPING : ErrorCode.SERVICE_STARTING;
        request.response().setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json").end(code.answer());
    }

    private Vertx make() {
        VertxOptions configured = camelContext.getRegistry().findSingleByType(VertxOptions.class);
        return Vertx.vertx(new VertxOptions(configured != null ? configured : new VertxOptions()).setUseDaemonThread(true));
    }

    private int setting(String key) {
        return Integer.parseInt(camelContext.resolvePropertyPlaceholders("{{" + key + "}}").trim());
    }

    private void listenFailed(int port, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (made.exiting.compareAndSet(false, true)) {
            String which = port == setting("camel.server.port") ? "camel.server.port " + port + " (HTTP_PORT)"
                    : port == setting("camel.management.port") ? "camel.management.port " + port + " (MANAGEMENT_PORT)"
                    : "port " + port;
            LOG.error("Cannot listen on {}: {}; stopping", which, root.getMessage());
            halt.run();
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
