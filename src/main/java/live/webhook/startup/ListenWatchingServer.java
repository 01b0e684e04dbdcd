package live.webhook.startup;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrafficShapingOptions;
import io.vertx.core.streams.ReadStream;

/**
 * An HTTP server of {@link ServerVertx}: the server Vert.x made, with a watch on its listening and
 * multipart/form-data bodies left undecoded ({@link UndecodedMultipart}).
 * <p>
 * VertxPlatformHttpServer calls {@code requestHandler(router).listen(port, host, handler)} and,
 * when listening fails, throws from that handler on the event loop, where nobody waits for it:
 * the failure is reported to {@link ListenFailed} first.
 * <p>
 * Every other method is the server's own; those that return the server return this wrapper.
 */
final class ListenWatchingServer implements HttpServer {

    /** Told of a port that could not be bound, with the cause Vert.x gave. */
    @FunctionalInterface
    interface ListenFailed {
        void listenFailed(int port, Throwable cause);
    }

    private final HttpServer server;
    private final ListenFailed listenFailed;

    ListenWatchingServer(HttpServer server, ListenFailed listenFailed) {
        this.server = server;
        this.listenFailed = listenFailed;
    }

    @Override
    public HttpServer requestHandler(Handler<HttpServerRequest> handler) {
        server.requestHandler(new UndecodedMultipart(handler));
        return this;
    }

    @Override
    public HttpServer listen(int port, String host, Handler<AsyncResult<HttpServer>> handler) {
        server.listen(port, host, result -> {
            if (result.succeeded()) {
                handler.handle(result);
                return;
            }
            listenFailed.listenFailed(port, result.cause());
            try {
                handler.handle(result);
            } catch (RuntimeException reported) {
                // the same failure, rethrown by the handler; reported above
            }
        });
        return this;
    }

    // Everything else: the server's own.

    @Override
    public ReadStream<HttpServerRequest> requestStream() {
        return server.requestStream();
    }

    @Override
    public Handler<HttpServerRequest> requestHandler() {
        return server.requestHandler();
    }

    @Override
    public HttpServer invalidRequestHandler(Handler<HttpServerRequest> handler) {
        server.invalidRequestHandler(handler);
        return this;
    }

    @Override
    public HttpServer connectionHandler(Handler<HttpConnection> handler) {
        server.connectionHandler(handler);
        return this;
    }

    @Override
    public HttpServer exceptionHandler(Handler<Throwable> handler) {
        server.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<ServerWebSocket> webSocketStream() {
        return server.webSocketStream();
    }

    @Override
    public HttpServer webSocketHandler(Handler<ServerWebSocket> handler) {
        server.webSocketHandler(handler);
        return this;
    }

    @Override
    public HttpServer webSocketHandshakeHandler(Handler<ServerWebSocketHandshake> handler) {
        server.webSocketHandshakeHandler(handler);
        return this;
    }

    @Override
    public Handler<ServerWebSocket> webSocketHandler() {
        return server.webSocketHandler();
    }

    @Override
    public Future<Boolean> updateSSLOptions(SSLOptions options) {
        return server.updateSSLOptions(options);
    }

    @Override
    public void updateSSLOptions(SSLOptions options, Handler<AsyncResult<Boolean>> handler) {
        server.updateSSLOptions(options, handler);
    }

    @Override
    public Future<Boolean> updateSSLOptions(SSLOptions options, boolean force) {
        return server.updateSSLOptions(options, force);
    }

    @Override
    public void updateSSLOptions(SSLOptions options, boolean force, Handler<AsyncResult<Boolean>> handler) {
        server.updateSSLOptions(options, force, handler);
    }

    @Override
    public void updateTrafficShapingOptions(TrafficShapingOptions options) {
        server.updateTrafficShapingOptions(options);
    }

    @Override
    public Future<HttpServer> listen() {
        return server.listen();
    }

    @Override
    public Future<HttpServer> listen(int port, String host) {
        return server.listen(port, host);
    }

    @Override
    public HttpServer listen(SocketAddress address, Handler<AsyncResult<HttpServer>> handler) {
        server.listen(address, handler);
        return this;
    }

    @Override
    public Future<HttpServer> listen(SocketAddress address) {
        return server.listen(address);
    }

    @Override
    public Future<HttpServer> listen(int port) {
        return server.listen(port);
    }

    @Override
    public HttpServer listen(int port, Handler<AsyncResult<HttpServer>> handler) {
        server.listen(port, handler);
        return this;
    }

    @Override
    public HttpServer listen(Handler<AsyncResult<HttpServer>> handler) {
        server.listen(handler);
        return this;
    }

    @Override
    public Future<Void> close() {
        return server.close();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        server.close(handler);
    }

    @Override
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public boolean isMetricsEnabled() {
        return server.isMetricsEnabled();
    }
}
