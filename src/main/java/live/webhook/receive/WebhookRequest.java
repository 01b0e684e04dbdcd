package live.webhook.receive;

import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The receive step: keeps what the checks need as variables, drops every header, takes the body as
 * bytes and checks the request itself (method, Content-Type, size). A bad request is refused
 * ({@link WebhookRefused}: 4050, 4150, 4130); the body is not parsed here.
 *
 * <ul>
 * <li>Variables, from the request's headers and query parameters (Camel headers are case-insensitive,
 * so SdkAppId and sdkappid match too; a parameter given twice stays a List and matches no check):
 * HttpMethod, ContentType, SdkAppid, CallbackCommand, Sign, RequestTime, ClientIP, RemoteAddress,
 * TraceParent, TraceState.</li>
 * <li>Headers: all removed. Query parameters arrive as headers, and headers left on the exchange would
 * go back out in the answer.</li>
 * <li>Charset: UTF-8, whatever the Content-Type names. JSON is UTF-8 (RFC 8259); a charset parameter
 * left as sent would decode the messages again, wrongly, in the sinks (or fail, unknown).</li>
 * <li>Body: bytes, whose length is known at once. A form has no body left (Vert.x took it apart into
 * headers), and is refused.</li>
 * </ul>
 *
 * <p>One Java step instead of a dozen Simple steps: each of those costs on every webhook.
 */
public class WebhookRequest implements Processor {

    /** Vert.x takes these apart as forms before the route sees them, case-insensitively. */
    private static final Pattern FORM = Pattern.compile("(?i)(application/x-www-form-urlencoded|multipart/).*");
    private static final String[][] VARIABLES = {
        {"HttpMethod", Exchange.HTTP_METHOD},
        {"ContentType", Exchange.CONTENT_TYPE},
        {"SdkAppid", "SdkAppid"},
        {"CallbackCommand", "CallbackCommand"},
        {"Sign", "Sign"},
        {"RequestTime", "RequestTime"},
        {"ClientIP", "ClientIP"},
        {"RemoteAddress", "CamelVertxPlatformHttpRemoteAddress"},
        // W3C trace context: continued onto every message of the webhook.
        {"TraceParent", "traceparent"},
        {"TraceState", "tracestate"},
    };

    private int maxBodyBytes = 65536;
    private WebhookRefused tooLarge = tooLarge(maxBodyBytes);

    /**
     * max.body.bytes: a larger body is refused with 4130. As text: camel-main builds this bean before
     * its settings check runs, which refuses a value that is not a whole number from 1 in one line
     * naming the setting; a conversion error here would end the start with a stack trace first.
     */
    public void setMaxBodyBytes(String maxBodyBytes) {
        this.maxBodyBytes = Settings.wholeNumber(maxBodyBytes, this.maxBodyBytes);
        this.tooLarge = tooLarge(this.maxBodyBytes);
    }

    private static WebhookRefused tooLarge(int maxBodyBytes) {
        ErrorCode code = ErrorCode.BODY_TOO_LARGE;
        return new WebhookRefused(code, String.format(code.info(), maxBodyBytes));
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        for (String[] variable : VARIABLES) {
            Object value = in.getHeader(variable[1]);
            if (value != null) {
                exchange.setVariable(variable[0], value);
            }
        }
        exchange.setProperty(Exchange.CHARSET_NAME, "UTF-8");
        in.getHeaders().clear();
        byte[] body = in.getBody(byte[].class);
        in.setBody(body);

        if (!"POST".equals(exchange.getVariable("HttpMethod"))) {
            throw ErrorCode.METHOD_NOT_ALLOWED.refusal();
        } else if (isForm(exchange.getVariable("ContentType"))) {
            throw ErrorCode.UNSUPPORTED_CONTENT_TYPE.refusal();
        } else if (body != null && body.length > maxBodyBytes) {
            // Vert.x already stopped reading at camel.server.max-body-size.
            throw tooLarge;
        }
    }

    /** A Content-Type Vert.x reads as a form; JSON, the usual case, is known without the regex. */
    static boolean isForm(Object contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toString();
        return !type.startsWith("application/json") && FORM.matcher(type).matches();
    }
}
