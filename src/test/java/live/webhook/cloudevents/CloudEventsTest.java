package live.webhook.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

class CloudEventsTest {

    static Map<String, Object> message(String command, String key, String value, Object operator, Object eventTime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SdkAppid", "1400000001");
        m.put("CallbackCommand", command);
        m.put("RoomId", "live-room1111");
        m.put("Key", key);
        m.put("Value", value);
        m.put("Operator_Account", operator);
        m.put("EventTime", eventTime);
        return m;
    }

    /** The id as any consumer computes it: SHA-256 of the JCS form of the array, by another JCS implementation. */
    static String idByTheRule(Map<String, Object> m) throws Exception {
        String array = new ObjectMapper().writeValueAsString(Arrays.asList(m.get("SdkAppid"), m.get("CallbackCommand"),
                m.get("RoomId"), m.get("Key"), m.get("Value"), m.get("Operator_Account"), m.get("EventTime")));
        byte[] canonical = new JsonCanonicalizer(array).getEncodedUTF8();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }

    @Test
    void theTimeIsRfc3339AsAFormatterWritesItWithinTheYearsRfc3339Has() {
        java.time.format.DateTimeFormatter formatter = java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        long[] edges = {0, 1, 999, 1000, -1, -1000, -1001, 1739965885831L, 1739965885000L, 951782400000L, 4107542399999L,
            253402300799999L, CloudEvents.FIRST_MILLI_OF_YEAR_0, -62135596800000L};
        for (long millis : edges) {
            assertThat(CloudEvents.rfc3339(millis)).as("%d", millis).isEqualTo(formatter.format(java.time.Instant.ofEpochMilli(millis)));
        }
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(CloudEvents.FIRST_MILLI_OF_YEAR_0, CloudEvents.FIRST_MILLI_OF_YEAR_10000);
            assertThat(CloudEvents.rfc3339(millis)).as("%d", millis).isEqualTo(formatter.format(java.time.Instant.ofEpochMilli(millis)));
        }
        // Outside RFC 3339's years (a formatter writes +10000-01-01T00:00:00.000Z): no time.
        for (long millis : new long[] {CloudEvents.FIRST_MILLI_OF_YEAR_10000, CloudEvents.FIRST_MILLI_OF_YEAR_0 - 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(CloudEvents.rfc3339(millis)).as("%d", millis).isNull();
        }
        assertThat(CloudEvents.shared("1", "r", true, CloudEvents.FIRST_MILLI_OF_YEAR_10000, "00-x", null)).doesNotContainKey("time");
        assertThat(CloudEvents.shared("1", "r", true, 253402300799999L, "00-x", null)).containsEntry("time", "9999-12-31T23:59:59.999Z");
    }

    @Test
    void theIdIsReproducibleFromTheMessageByAnyJcsImplementation() throws Exception {
        for (Object operator : new Object[] {"brennanli", new BigDecimal("1E+7"), new BigDecimal("1.50"), -0.0, 1e21,
                "caf\u00e9 \u5024 \uD83D\uDE00", Map.of("b", 1, "a", new BigDecimal("2.50")), null, true}) {
            Map<String, Object> m = message("Live.CallbackAfterSetMetadata", "key1", "v\u00e9", operator, 1739965885831L);
            assertThat(CloudEvents.id(m)).as("Operator_Account %s", operator).isEqualTo(idByTheRule(m)).matches("[0-9a-f]{64}");
        }
    }

    @Test
    void theSamplesIdIsTheOneTheReadmeShows() {
        Map<String, Object> m = message("Live.CallbackAfterSetMetadata", "key1", "value1", "brennanli", 1739965885831L);
        assertThat(CloudEvents.id(m)).isEqualTo("285013b7582ea4c0307918fb10476674847eb40cae451891b1f155652e5ae322");
    }

    @Test
    void equalMessagesShareAnIdAndDifferentOnesDoNot() {
        Map<String, Object> set = message("Live.CallbackAfterSetMetadata", "key1", "value1", "op", 1L);
        assertThat(CloudEvents.id(set)).isEqualTo(CloudEvents.id(new LinkedHashMap<>(set)));
        assertThat(CloudEvents.id(message("Live.CallbackAfterSetMetadata", "key1", "value1", new BigDecimal("1E+7"), 1L)))
                .isEqualTo(CloudEvents.id(message("Live.CallbackAfterSetMetadata", "key1", "value1", 10000000L, 1L)));
        assertThat(CloudEvents.id(set))
                .isNotEqualTo(CloudEvents.id(message("Live.CallbackAfterDelMetadata", "key1", null, "op", 1L)))
                .isNotEqualTo(CloudEvents.id(message("Live.CallbackAfterSetMetadata", "key2", "value1", "op", 1L)))
                .isNotEqualTo(CloudEvents.id(message("Live.CallbackAfterSetMetadata", "key1", "value1", "op", 2L)));
    }

    @Test
    void sharedAttributesInTheContractsOrder() {
        Map<String, Object> shared = CloudEvents.shared("1400000001", "room", false, 1739965885831L, "00-a-b-01", "");
        assertThat(shared.keySet()).containsExactly("source", "type", "time", "datacontenttype", "sdkappid", "roomid", "traceparent");
        assertThat(shared).containsEntry("type", "com.tencentcloud.live.metadata.deleted").containsEntry("time", "2025-02-19T11:51:25.831Z");
        assertThat(CloudEvents.shared("1", "r", true, new BigDecimal("1.5"), "t", "s")).doesNotContainKey("time").containsEntry("tracestate", "s");
        Map<String, Object> event = CloudEvents.event(message("Live.CallbackAfterSetMetadata", "k", "v", null, 1), shared);
        assertThat(event.keySet()).startsWith("specversion", "id", "source").endsWith("data");
    }

    @Test
    void aNewTraceIsValidAndDifferentEachTime() {
        String a = TraceContext.newTraceParent();
        assertThat(TraceContext.isValid(a)).isTrue();
        assertThat(TraceContext.newTraceParent()).isNotEqualTo(a);
        assertThat(TraceContext.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceContext.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
        assertThat(TraceContext.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isTrue();
        assertThat(TraceContext.isValid(null)).isFalse();
    }
}
