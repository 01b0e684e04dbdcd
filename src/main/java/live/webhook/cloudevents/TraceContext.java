package live.webhook.cloudevents;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context of a webhook: its {@code traceparent} continued onto every message, or a new
 * trace when it has none or a malformed one (then its {@code tracestate} is dropped too, since it
 * belongs to a trace that is not continued).
 */
public final class TraceContext {

    /** Version 00: trace id, parent id, flags; neither id all zeros. */
    static final Pattern TRACE_PARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final HexFormat HEX = HexFormat.of();

    private TraceContext() {
    }

    /** Whether a traceparent is one this service continues. */
    public static boolean isValid(String traceParent) {
        return traceParent != null && TRACE_PARENT.matcher(traceParent).matches();
    }

    /** A traceparent of a new trace: random trace and parent ids (never all zeros), sampled. */
    public static String newTraceParent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "00-" + HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong(1L, Long.MAX_VALUE))
                + "-" + HEX.toHexDigits(random.nextLong(1L, Long.MAX_VALUE)) + "-01";
    }
}
