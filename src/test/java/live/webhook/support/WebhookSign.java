package live.webhook.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What Tencent's live server computes for a webhook token: Sign = lowercase hex SHA-256 of token + RequestTime. */
public final class WebhookSign {

    private WebhookSign() {
    }

    public static String sign(String token, String requestTime) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((token + requestTime).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query Tencent appends for a signed webhook sent at {@code requestTime} (Unix seconds). */
    public static String signedQuery(String command, String token, long requestTime) {
        return WebhookService.query(command) + "&RequestTime=" + requestTime + "&Sign=" + sign(token, String.valueOf(requestTime));
    }

    public static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
