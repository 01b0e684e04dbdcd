package live.webhook.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A multipart/form-data Content-Type is renamed before vert.x-web can decode the body; nothing else is touched. */
class UndecodedMultipartTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "multipart/form-data; boundary=abc | multipart/x-undecoded-form-data; boundary=abc",
            "Multipart/Form-Data;boundary=x    | multipart/x-undecoded-form-data;boundary=x",
            "MULTIPART/FORM-DATA               | multipart/x-undecoded-form-data",
            "multipart/mixed; boundary=x       | multipart/mixed; boundary=x",
            "multipart/form                    | multipart/form",
            "application/json                  | application/json",
            "application/x-www-form-urlencoded | application/x-www-form-urlencoded",
            "NONE                              | NONE"})
    void theContentTypeTheNextHandlerSees(String sent, String seen) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (sent != null) {
            headers.set("Content-Type", sent);
        }
        HttpServerRequest request = request(headers);
        List<HttpServerRequest> handled = new ArrayList<>();

        new UndecodedMultipart(handled::add).handle(request);

        assertThat(handled).containsExactly(request);
        assertThat(headers.get("content-type")).isEqualTo(seen);
        assertThat(headers.getAll("Content-Type")).hasSize(sent == null ? 0 : 1);
    }

    /** A request that has only headers. */
    static HttpServerRequest request(MultiMap headers) {
        return (HttpServerRequest) Proxy.newProxyInstance(HttpServerRequest.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "headers" -> headers;
                    case "getHeader" -> headers.get(args[0].toString());
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "request " + headers;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
