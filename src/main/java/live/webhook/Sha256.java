package live.webhook;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, for a CloudEvent's id and a webhook's Sign: one MessageDigest per thread, since getting
 * one from the JDK's providers costs more than hashing a short text, and a digest is not thread-safe.
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Sha256() {
    }

    public static byte[] digest(byte[] bytes) {
        return DIGEST.get().digest(bytes);
    }

    /** The digest as lowercase hex. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(digest(bytes));
    }
}
