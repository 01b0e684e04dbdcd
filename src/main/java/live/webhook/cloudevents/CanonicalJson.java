package live.webhook.cloudevents;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values a webhook's fields can hold: text,
 * numbers, booleans, null, and Maps and Lists of them. Anyone can recompute a canonical form with
 * any JCS implementation, which is what makes an event id reproducible: a number is written as
 * ECMAScript writes the IEEE 754 double it stands for (so {@code 1E+7}, {@code 1.0E7} and
 * {@code 10000000} are one number), strings escape only what JSON requires, object members are
 * sorted by their names' UTF-16 code units, and there is no whitespace.
 */
public final class CanonicalJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** The canonical form as UTF-8 bytes, the input of a digest. */
    public static byte[] utf8(Object value) {
        return text(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical form as text. */
    public static String text(Object value) {
        StringBuilder out = new StringBuilder(128);
        write(out, value);
        return out.toString();
    }

    /**
     * Appends the canonical form of a value.
     *
     * @throws IllegalArgumentException for a number no IEEE 754 double can hold (I-JSON's range) or
     *         a value that is not JSON
     */
    public static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof Map<?, ?> map) {
            object(out, map);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map) {
        List<String> names = new ArrayList<>(map.size());
        for (Object name : map.keySet()) {
            names.add((String) name);
        }
        // String.compareTo compares UTF-16 code units, JCS's order.
        names.sort(null);
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, names.get(i));
            out.append(':');
            write(out, map.get(names.get(i)));
        }
        out.append('}');
    }

    /** ECMAScript's JSON.stringify of a string (ES2019, well-formed: a lone surrogate is escaped). */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }

    /** ECMAScript's Number.prototype.toString of the double a JSON number stands for. */
    static String number(Number n) {
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("the number " + n + " is outside the range of an IEEE 754 double");
        }
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            long l = n.longValue();
            // Exact as a double: written as ECMAScript writes an integer below 1e21.
            if (l >= -(1L << 53) && l <= 1L << 53) {
                return Long.toString(l);
            }
        }
        return number(d);
    }

    static String number(double d) {
        if (d == 0) {
            return "0"; // -0 too
        }
        StringBuilder out = new StringBuilder(24);
        if (d < 0) {
            out.append('-');
            d = -d;
        }
        // The shortest decimal that reads back as d: its digits s (k of them) and the exponent n
        // with d = s x 10^(n-k), as ECMAScript's Number::toString names them.
        BigDecimal shortest = new BigDecimal(DoubleToDecimal.toString(d)).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        if (k == 2) {
            // Java's shortest form has at least two digits; ECMAScript takes one when one reads back.
            String one = oneDigit(d, digits, n);
            if (one != null) {
                digits = one.substring(0, 1);
                n = one.length() > 1 ? n + 1 : n;
                k = 1;
            }
        }
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    /**
     * A one-digit decimal that reads back as d, the closest to d if two do: the digit (or "10" when
     * rounding up carries into the next power of ten), or null when none does.
     */
    private static String oneDigit(double d, String twoDigits, int n) {
        int s = Integer.parseInt(twoDigits);
        BigDecimal exact = new BigDecimal(d);
        String best = null;
        BigDecimal bestDistance = null;
        for (int candidate : new int[] {s / 10, s / 10 + 1}) {
            if (candidate == 0) {
                continue;
            }
            // candidate x 10^(n-1)
            BigDecimal value = new BigDecimal(BigInteger.valueOf(candidate), 1 - n);
            if (value.doubleValue() == d) {
                BigDecimal distance = value.subtract(exact).abs();
                if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                    best = Integer.toString(candidate);
                    bestDistance = distance;
                }
            }
        }
        return best;
    }
}
