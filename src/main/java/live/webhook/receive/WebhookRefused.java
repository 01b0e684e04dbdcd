package live.webhook.receive;

/**
 * A webhook refused by a check: what it is answered with, ErrorCode and ErrorInfo. Every check throws
 * it (the Java ones directly, the route's filters with throwException), and the onException of
 * routes/webhook.camel.yaml answers it, so that a refused webhook goes no further. It has no stack
 * trace: a refusal is an answer, not a fault, and a sender could make the service fill many.
 */
public final class WebhookRefused extends RuntimeException {

    private final transient ErrorCode errorCode;

    /** For throwException in the routes: the name of an ErrorCode, such as SDKAPPID_NOT_ACCEPTED. */
    public WebhookRefused(String errorCode) {
        this(ErrorCode.valueOf(errorCode), ErrorCode.valueOf(errorCode).info());
    }

    WebhookRefused(ErrorCode errorCode, String errorInfo) {
        super(errorInfo, null, false, false);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The ErrorInfo, as the answer says it. */
    public String errorInfo() {
        return getMessage();
    }
}
