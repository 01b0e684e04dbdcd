package live.webhook.startup;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * vert.x-web's body handler takes a multipart/form-data body apart before any route sees it, and
 * answers a malformed one itself, in plain text. Renamed multipart/x-undecoded-form-data (any
 * parameters kept), the body reaches the route as bytes (still within the body limit), whose
 * check-request refuses any multipart/ type with its FAIL JSON. It runs for every request on the
 * event loop: one header read.
 */
final class UndecodedMultipart implements Handler<HttpServerRequest> {

    private static final String FORM_DATA = "multipart/form-data";
    private static final String UNDECODED = "multipart/x-undecoded-form-data";

    private final Handler<HttpServerRequest> next;

    UndecodedMultipart(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String type = request.getHeader("Content-Type");
        if (type != null && type.regionMatches(true, 0, FORM_DATA, 0, FORM_DATA.length())) {
            request.headers().set("Content-Type", UNDECODED + type.substring(FORM_DATA.length()));
        }
        next.handle(request);
    }
}
