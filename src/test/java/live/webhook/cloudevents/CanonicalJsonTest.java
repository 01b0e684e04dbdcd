package live.webhook.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CanonicalJson against RFC 8785's own examples and against another implementation of it
 * (java-json-canonicalization, by one of the RFC's authors' collaborators), on the values a webhook's
 * fields can hold.
 */
class CanonicalJsonTest {

    /** How the service reads a webhook: floats as BigDecimal, so a number is carried as sent. */
    static final ObjectMapper SERVICE = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    static final ObjectMapper JSON = new ObjectMapper();

    /** RFC 8785, Appendix B: IEEE 754 bit patterns and their canonical form. */
    @ParameterizedTest
    @CsvSource({
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2"})
    void theRfcsNumberExamples(String bits, String canonical) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(CanonicalJson.number(d)).isEqualTo(canonical);
        assertThat(CanonicalJson.text(d)).isEqualTo(canonical);
    }

    /** RFC 8785, section 3.2.2 (the example of sorting, numbers, strings and literals). */
    @Test
    void theRfcsObjectExample() throws Exception {
        String input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
                + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
                + " \"literals\": [null, true, false]}";
        String canonical = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(CanonicalJson.text(plain(SERVICE.readTree(input)))).isEqualTo(canonical);
        assertThat(new JsonCanonicalizer(input).getEncodedString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+7", "1e7", "1.50", "-0", "-0.0", "1e21", "1e-7", "0.000001", "123456789012345678901234567890",
            "9007199254740993", "-9223372036854775808", "1739965885831", "0.1", "5e-324", "1.7976931348623157e308", "100",
            "12.5E-3", "-1E+300"})
    void oddNumbersAsTheOtherImplementationWritesThem(String number) throws Exception {
        JsonNode node = SERVICE.readTree(number);
        String ours = CanonicalJson.text(node.numberValue());
        assertThat("[" + ours + "]").as(number).isEqualTo(theirs("[" + number + "]"));
    }

    @Test
    void equalNumbersSpelledDifferentlyHaveOneForm() {
        assertThat(List.of(new BigDecimal("1E+7"), 1.0E7, 10000000, 10000000L, new BigInteger("10000000"), new BigDecimal("10000000.000")))
                .extracting(CanonicalJson::text).containsOnly("10000000");
        assertThat(CanonicalJson.text(new BigDecimal("1.50"))).isEqualTo("1.5");
        assertThat(CanonicalJson.text(-0.0)).isEqualTo("0");
        assertThat(CanonicalJson.text(new BigDecimal("1e21"))).isEqualTo("1e+21");
    }

    @Test
    void randomDoublesAsTheOtherImplementationWritesThem() throws Exception {
        SplittableRandom random = new SplittableRandom();
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
                case 2 -> random.nextLong(-(1L << 60), 1L << 60);
                default -> Math.round(random.nextDouble() * 1e6) / Math.pow(10, random.nextInt(0, 12));
            };
            if (!Double.isFinite(d)) {
                continue;
            }
            assertThat(CanonicalJson.number(d)).as("bits %x", Double.doubleToRawLongBits(d)).isEqualTo(NumberToJSON.serializeNumber(d));
        }
    }

    @Test
    void textEscapesOnlyWhatJsonRequiresAndKeepsNonAscii() throws Exception {
        List<String> texts = List.of("v\u00e9\u5024", "\uD83D\uDE00", "\u0000\u0001\u001f\u007f", "\r\n\t\b\f", "\"\\/",
                "\u2028\u2029", "${body}", "", "brennanli", "\u00ff\u0100\uD7FF\uE000\uFFFD");
        for (String text : texts) {
            String json = JSON.writeValueAsString(List.of(text));
            assertThat(CanonicalJson.text(List.of(text))).as(json).isEqualTo(theirs(json));
            assertThat(CanonicalJson.utf8(List.of(text))).isEqualTo(new JsonCanonicalizer(json).getEncodedUTF8());
        }
        assertThat(CanonicalJson.text("\u00e9\u0001")).isEqualTo("\"\u00e9\\u0001\"");
        assertThat(CanonicalJson.utf8("\u00e9")).isEqualTo("\"\u00e9\"".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLoneSurrogateIsEscapedAsEcmaScriptsWellFormedStringifyDoes() {
        assertThat(CanonicalJson.text("a\uD800b")).isEqualTo("\"a\\ud800b\"");
        assertThat(CanonicalJson.text("\uDC00")).isEqualTo("\"\\udc00\"");
    }

    @Test
    void objectMembersAreSortedByUtf16CodeUnitsAtEveryDepth() throws Exception {
        // RFC 8785 3.2.3's own example of the order, as keys.
        String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\","
                + " \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
                + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\", \"nested\": {\"b\": [1.0, {\"z\": 1, \"a\": 2}], \"a\": null}}";
        assertThat(CanonicalJson.text(plain(SERVICE.readTree(input)))).isEqualTo(new JsonCanonicalizer(input).getEncodedString());
    }

    @Test
    void theEventIdInputOfTheSampleIsTheOtherImplementationsCanonicalForm() throws Exception {
        List<Object> fields = Arrays.asList("1400000001", "Live.CallbackAfterSetMetadata", "live-room1111", "key1", "value1",
                Map.of("id", 1E+7, "name", "caf\u00e9"), new BigDecimal("1739965885831.0"));
        assertThat(CanonicalJson.utf8(fields)).isEqualTo(new JsonCanonicalizer(JSON.writeValueAsString(fields)).getEncodedUTF8());
        assertThat(CanonicalJson.text(fields)).isEqualTo(
                "[\"1400000001\",\"Live.CallbackAfterSetMetadata\",\"live-room1111\",\"key1\",\"value1\","
                        + "{\"id\":10000000,\"name\":\"caf\u00e9\"},1739965885831]");
    }

    @Test
    void aNumberNoDoubleCanHoldHasNoCanonicalForm() {
        assertThatThrownBy(() -> CanonicalJson.text(new BigDecimal("1e400"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IEEE 754");
        assertThatThrownBy(() -> CanonicalJson.text(BigInteger.TEN.pow(400))).isInstanceOf(IllegalArgumentException.class);
    }

    /** The other implementation's canonical form (it takes an object or an array). */
    static String theirs(String json) throws Exception {
        return new JsonCanonicalizer(json).getEncodedString();
    }

    /** A tree as the plain Java values the service's messages hold. */
    static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(f -> map.put(f.getKey(), plain(f.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(plain(item)));
            return list;
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }
}
