package live.webhook.receive;

/**
 * Every answer of this service other than OK: its ErrorCode, whose first three digits are the HTTP
 * status, and its ErrorInfo. The README's table of ErrorCodes, the contract (src/main/contract), the
 * reason label of tencent_webhooks_total and the alerts built on it are all this list (ContractTest
 * holds them to it).
 */
public enum ErrorCode {

    METHOD_NOT_ALLOWED(4050, "Method not allowed, use POST"),
    UNSUPPORTED_CONTENT_TYPE(4150, "Unsupported Content-Type, send application/json"),
    /** Its ErrorInfo names the limit: {@link WebhookRequest} formats it. */
    BODY_TOO_LARGE(4130, "Body is larger than %d bytes"),
    SDKAPPID_NOT_ACCEPTED(4030, "SdkAppid is not accepted"),
    SIGN_REQUIRED(4011, "Sign and RequestTime are required"),
    REQUEST_TIME_NOT_SECONDS(4012, "RequestTime must be Unix time in seconds"),
    REQUEST_TIME_TOO_FAR(4012, "RequestTime is too far from now"),
    SIGN_DOES_NOT_MATCH(4013, "Sign does not match"),
    CALLBACK_COMMAND_REQUIRED(4001, "CallbackCommand query parameter is required"),
    BODY_NOT_A_JSON_OBJECT(4002, "Body is not a valid JSON object"),
    CALLBACK_COMMAND_DIFFERS(4003, "CallbackCommand in the body differs from the query"),
    ROOM_ID_INVALID(4004, "RoomId must be a non-empty string"),
    METADATA_INVALID(4005, "Metadata must be an array of Key and Value strings"),
    KEYS_INVALID(4006, "Keys must be an array of non-empty strings"),
    /** Anything no check foresaw: not a refusal, a failure. */
    NOT_PROCESSED(5000, "Webhook could not be processed"),
    /** Answered by the HTTP server while the routes are not running (live.webhook.startup.ServerVertx). */
    SERVICE_STARTING(5030, "Service is starting"),
    SERVICE_STOPPING(5030, "Service is stopping");

    private final int code;
    private final String info;
    private final WebhookRefused refusal;

    ErrorCode(int code, String info) {
        this.code = code;
        this.info = info;
        this.refusal = new WebhookRefused(this, info);
    }

    public int code() {
        return code;
    }

    public String info() {
        return info;
    }

    public int httpStatus() {
        return code / 10;
    }

    /** The FAIL answer's body. ErrorInfo is one of this list's own texts, none of which needs escaping in JSON. */
    public String answer() {
        return answer(info);
    }

    String answer(String formattedInfo) {
        return "{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"" + formattedInfo + "\",\"ErrorCode\":" + code + "}";
    }

    /** The refusal to throw: one instance, it has no stack trace and nothing else that changes. */
    public WebhookRefused refusal() {
        return refusal;
    }
}
