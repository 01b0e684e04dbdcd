package live.webhook.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Benchmark baseline (a): a bare Vert.x HTTP server that reads each request's body and answers
 * Tencent's fixed OK, with no checks and no sink. It is the ceiling of HTTP alone on the machine
 * (the same Vert.x the service runs on), so a figure of the service can be read against it.
 *
 * <p>Run by {@code bench/run} as its own process: {@code HTTP_PORT=8080 java -cp ... live.webhook.bench.BaselineOkServer}.
 * Listens on 127.0.0.1 with one event loop per core.
 */
public final class BaselineOkServer extends AbstractVerticle {

    static final byte[] OK = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}".getBytes(StandardCharsets.UTF_8);

    private final int port;

    private BaselineOkServer(int port) {
        this.port = port;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8080"));
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new BaselineOkServer(port),
                        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .onSuccess(id -> System.out.println("baseline-ok listening on 127.0.0.1:" + port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .requestHandler(req -> req.body().onComplete(ignored -> req.response()
                        .putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(OK))))
                .listen(port)
                .<Void>mapEmpty()
                .onComplete(started);
    }
}
