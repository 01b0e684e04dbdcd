package live.webhook.receive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

import live.webhook.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * With a webhook token set, a webhook must carry Sign = sha256hex(token + RequestTime), with RequestTime
 * (Unix seconds) within maxSkewSeconds of now; without one, every webhook passes. A webhook that fails
 * is refused ({@link WebhookRefused}): 4011 (Sign or RequestTime missing), 4012 (RequestTime not Unix
 * seconds, or too far from now), 4013 (Sign does not match).
 *
 * <p>The token and the skew are read once, when the bean is built (tencent.callback.token,
 * tencent.sign.max.skew.seconds): a new token takes effect when the service restarts, as it does when
 * its Secret changes (or when routes/webhook.camel.yaml is reloaded, which builds its beans again).
 */
public class WebhookSign implements Processor {

    private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]{1,12}");

    private String token = "";
    private long maxSkewMillis = 60_000;

    /** tencent.callback.token; empty: webhooks are not signed. */
    public void setToken(String token) {
        this.token = token == null ? "" : token;
    }

    public boolean isSigned() {
        return !token.isEmpty();
    }

    /** tencent.sign.max.skew.seconds; as text, for the reason WebhookRequest.setMaxBodyBytes gives. */
    public void setMaxSkewSeconds(String maxSkewSeconds) {
        this.maxSkewMillis = Settings.wholeNumber(maxSkewSeconds, (int) (this.maxSkewMillis / 1000)) * 1000L;
    }

    public long getMaxSkewSeconds() {
        return maxSkewMillis / 1000;
    }

    @Override
    public void process(Exchange exchange) {
        if (token.isEmpty()) {
            return;
        }
        Object sign = exchange.getVariable("Sign");
        Object requestTime = exchange.getVariable("RequestTime");
        if (isEmpty(sign) || isEmpty(requestTime)) {
            throw ErrorCode.SIGN_REQUIRED.refusal();
        } else if (!(requestTime instanceof String seconds) || !UNIX_SECONDS.matcher(seconds).matches()) {
            throw ErrorCode.REQUEST_TIME_NOT_SECONDS.refusal();
        } else if (Math.abs(System.currentTimeMillis() - Long.parseLong(seconds) * 1000) > maxSkewMillis) {
            throw ErrorCode.REQUEST_TIME_TOO_FAR.refusal();
        } else if (!(sign instanceof String given) || !matches(given, seconds)) {
            throw ErrorCode.SIGN_DOES_NOT_MATCH.refusal();
        }
    }

    /**
     * Whether sign is sha256hex(token + requestTime), lowercase. The SHA-256 digests of both sides are
     * compared, always 32 bytes against 32 and in constant time, so the time taken says nothing about
     * how much of a forged Sign was right, nor how long it was.
     */
    boolean matches(String sign, String requestTime) {
        String expected = Sha256.hex((token + requestTime).getBytes(StandardCharsets.UTF_8));
        return sameDigest(expected, sign);
    }

    /** Whether a and b have the same SHA-256 digest, compared in constant time. */
    static boolean sameDigest(String a, String b) {
        byte[] digestA = Sha256.digest(a.getBytes(StandardCharsets.UTF_8));
        byte[] digestB = Sha256.digest(b.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digestA, digestB);
    }

    private static boolean isEmpty(Object value) {
        return value == null || value instanceof String s && s.isBlank()
                || value instanceof java.util.Collection<?> c && c.isEmpty();
    }
}
