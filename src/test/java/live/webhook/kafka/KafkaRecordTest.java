package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import live.webhook.cloudevents.CloudEvents;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaRecordTest {

    static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    static Map<String, Object> message(String command, String value, Object eventTime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SdkAppid", "1400000001");
        m.put("CallbackCommand", command);
        m.put("RoomId", "a/b");
        m.put("Key", "c");
        m.put("Value", value);
        m.put("Operator_Account", "brennanli");
        m.put("EventTime", eventTime);
        return m;
    }

    /** The one record KafkaRecord makes of a message, as the message of an exchange. */
    Exchange record(Map<String, Object> body) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return recordOf(exchange);
    }

    static Exchange recordOf(Exchange exchange) throws Exception {
        new KafkaRecord().process(exchange);
        List<?> records = exchange.getMessage().getBody(List.class);
        assertThat(records).singleElement().isInstanceOf(Message.class);
        Exchange record = new DefaultExchange(exchange.getContext());
        record.setMessage((Message) records.get(0));
        return record;
    }

    @Test
    void aWebhooksMessagesBecomeItsRecordsInOrder() throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        Map<String, Object> second = message("Live.CallbackAfterSetMetadata", "w", 2);
        second.put("Key", "d");
        exchange.getMessage().setBody(List.of(message("Live.CallbackAfterSetMetadata", "v", 1), second));
        new KafkaRecord().process(exchange);
        List<?> records = exchange.getMessage().getBody(List.class);
        assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(Message.class));
        assertThat(((Message) records.get(0)).getHeader("kafka.KEY")).isEqualTo("[\"a/b\",\"c\"]");
        assertThat(((Message) records.get(1)).getHeader("kafka.KEY")).isEqualTo("[\"a/b\",\"d\"]");
        assertThat(new String(((Message) records.get(1)).getBody(byte[].class), StandardCharsets.UTF_8)).contains("\"Value\":\"w\"");
    }

    @Test
    void aCloudEventGoesInBinaryContentMode() throws Exception {
        Map<String, Object> message = message("Live.CallbackAfterSetMetadata", "v", 1739965885831L);
        Map<String, Object> event = CloudEvents.event(message,
                CloudEvents.shared("1400000001", "a/b", true, 1739965885831L, TRACE, "congo=t61rcWkgMzE"));
        Exchange exchange = record(event);

        assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo(
                "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"a/b\","
                        + "\"Key\":\"c\",\"Value\":\"v\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}");
        assertThat(exchange.getMessage().getHeaders()).containsOnlyKeys("kafka.KEY", "CallbackCommand", "SdkAppid", "RoomId",
                "Key", "EventTime", "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_sdkappid", "ce_roomid",
                "content-type", "traceparent", "tracestate", "kafka.OVERRIDE_TIMESTAMP");
        assertThat(exchange.getMessage().getHeaders()).containsEntry("kafka.KEY", "[\"a/b\",\"c\"]")
                .containsEntry("EventTime", "1739965885831").containsEntry("ce_id", event.get("id"))
                .containsEntry("ce_time", "2025-02-19T11:51:25.831Z").containsEntry("content-type", "application/json")
                .containsEntry("traceparent", TRACE).containsEntry("tracestate", "congo=t61rcWkgMzE");
        // The record's timestamp is the webhook's EventTime, a Long camel-kafka takes and does not send as a header.
        assertThat(exchange.getMessage().getHeader(KafkaRecord.OVERRIDE_TIMESTAMP)).isEqualTo(1739965885831L);
        assertThat(KafkaRecord.OVERRIDE_TIMESTAMP).isEqualTo(org.apache.camel.component.kafka.KafkaConstants.OVERRIDE_TIMESTAMP);
        assertThat(exchange.getMessage().getHeaders()).allSatisfy((name, v) -> assertThat(v)
                .isInstanceOf(name.equals(KafkaRecord.OVERRIDE_TIMESTAMP) ? Long.class : String.class));
    }

    @Test
    void aDeletedKeyIsATombstoneWithoutContentType() throws Exception {
        Map<String, Object> message = message("Live.CallbackAfterDelMetadata", null, null);
        Exchange exchange = record(CloudEvents.event(message, CloudEvents.shared("1400000001", "a/b", false, null, TRACE, null)));
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKeys("content-type", "EventTime", "ce_time", "tracestate",
                        "kafka.OVERRIDE_TIMESTAMP")
                .containsEntry("ce_type", "com.tencentcloud.live.metadata.deleted");
    }

    @Test
    void aTombstoneStaysNullOnAMessageThatWouldCreateItsBodyAgain() throws Exception {
        // Like the spool's file message, which reads the file again when its body is null.
        Exchange exchange = new DefaultExchange(camel);
        exchange.setMessage(new org.apache.camel.support.DefaultMessage(camel) {
            @Override
            protected Object createBody() {
                return "the spool file's content";
            }
        });
        exchange.getMessage().setBody(message("Live.CallbackAfterDelMetadata", null, 1));
        Exchange record = recordOf(exchange);
        assertThat(record.getMessage().getBody()).isNull();
        assertThat(record.getMessage().getHeaders()).containsEntry("kafka.KEY", "[\"a/b\",\"c\"]")
                .containsEntry("CallbackCommand", "Live.CallbackAfterDelMetadata");
    }

    @Test
    void aPlainMessageTakesTheTraceFromTheWebhookOrHasNone() throws Exception {
        Exchange replayed = record(message("Live.CallbackAfterSetMetadata", "v", 1));
        assertThat(replayed.getMessage().getHeaders()).containsOnlyKeys("kafka.KEY", "CallbackCommand", "SdkAppid", "RoomId",
                "Key", "EventTime", "kafka.OVERRIDE_TIMESTAMP");

        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("TraceParent", TRACE);
        exchange.getMessage().setBody(message("Live.CallbackAfterSetMetadata", "v", 1));
        assertThat(recordOf(exchange).getMessage().getHeaders()).containsEntry("traceparent", TRACE).doesNotContainKey("tracestate");
    }

    @Test
    void aTombstoneCarriesTheEventTimeAsItsTimestampToo() throws Exception {
        Exchange exchange = record(message("Live.CallbackAfterDelMetadata", null, 1739965885831L));
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getMessage().getHeader(KafkaRecord.OVERRIDE_TIMESTAMP)).isEqualTo(1739965885831L);
    }

    @Test
    void theTimestampIsTheEventTimeWhenItIsAWholeNumberKafkaTakes() {
        // As the webhook's reader gives it (Integer, Long, BigInteger, BigDecimal), and as the spool's gives it back.
        assertThat(KafkaRecord.timestamp(1739965885831L)).isEqualTo(1739965885831L);
        assertThat(KafkaRecord.timestamp(7)).isEqualTo(7L);
        assertThat(KafkaRecord.timestamp(0)).isEqualTo(0L);
        assertThat(KafkaRecord.timestamp(java.math.BigInteger.valueOf(1739965885831L))).isEqualTo(1739965885831L);
        assertThat(KafkaRecord.timestamp(new java.math.BigDecimal("1739965885831.0"))).isEqualTo(1739965885831L);
        assertThat(KafkaRecord.timestamp(new java.math.BigDecimal("1.739965885831E12"))).isEqualTo(1739965885831L);
        assertThat(KafkaRecord.timestamp(1.739965885831E12)).isEqualTo(1739965885831L);
        // Else the producer's clock: text, a fraction, a negative number (Kafka refuses it), too large, none.
        assertThat(KafkaRecord.timestamp("1739965885831")).isNull();
        assertThat(KafkaRecord.timestamp("soon")).isNull();
        assertThat(KafkaRecord.timestamp(new java.math.BigDecimal("1739965885831.5"))).isNull();
        assertThat(KafkaRecord.timestamp(0.5)).isNull();
        assertThat(KafkaRecord.timestamp(-1L)).isNull();
        assertThat(KafkaRecord.timestamp(new java.math.BigDecimal("-5"))).isNull();
        assertThat(KafkaRecord.timestamp(new java.math.BigInteger("99999999999999999999"))).isNull();
        assertThat(KafkaRecord.timestamp(Double.NaN)).isNull();
        assertThat(KafkaRecord.timestamp(Double.POSITIVE_INFINITY)).isNull();
        assertThat(KafkaRecord.timestamp(true)).isNull();
        assertThat(KafkaRecord.timestamp(null)).isNull();
    }

    @Test
    void anEventTimeFarAheadOfTheClockIsNotTheTimestampABrokerWouldRefuse() throws Exception {
        long now = 1739965885831L;
        assertThat(KafkaRecord.timestamp(now + 3_600_000, now)).isEqualTo(now + 3_600_000);
        assertThat(KafkaRecord.timestamp(now - 86_400_000L * 365, now)).isEqualTo(now - 86_400_000L * 365);
        assertThat(KafkaRecord.timestamp(now + 3_600_001, now)).isNull();
        assertThat(KafkaRecord.timestamp("x", now)).isNull();
        long farAhead = System.currentTimeMillis() + 2 * 3_600_000;
        assertThat(record(message("Live.CallbackAfterSetMetadata", "v", farAhead)).getMessage().getHeaders())
                .doesNotContainKey(KafkaRecord.OVERRIDE_TIMESTAMP).containsEntry("EventTime", String.valueOf(farAhead));
    }

    @Test
    void aRecordWithoutAWholeEventTimeHasNoTimestampOfItsOwn() throws Exception {
        assertThat(record(message("Live.CallbackAfterSetMetadata", "v", "soon")).getMessage().getHeaders())
                .doesNotContainKey(KafkaRecord.OVERRIDE_TIMESTAMP).containsEntry("EventTime", "soon");
        assertThat(record(message("Live.CallbackAfterSetMetadata", "v", new java.math.BigDecimal("1.5"))).getMessage()
                .getHeaders()).doesNotContainKey(KafkaRecord.OVERRIDE_TIMESTAMP).containsEntry("EventTime", "1.5");
    }

    @Test
    void aRecordsHeadersKeepTheirExactNamesInTheOrderGiven() throws Exception {
        Map<String, Object> message = message("Live.CallbackAfterSetMetadata", "v", 1739965885831L);
        Exchange record = record(CloudEvents.event(message, CloudEvents.shared("1400000001", "a/b", true, 1739965885831L, TRACE, null)));
        assertThat(record.getMessage().getHeaders()).isInstanceOf(java.util.LinkedHashMap.class);
        assertThat(record.getMessage().getHeaders().keySet()).containsExactly("kafka.KEY", "CallbackCommand", "SdkAppid", "RoomId",
                "Key", "EventTime", "kafka.OVERRIDE_TIMESTAMP", "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
                "ce_sdkappid", "ce_roomid", "content-type", "traceparent");
        // Kafka's record headers are case-sensitive: another spelling is another header.
        assertThat(record.getMessage().getHeader("roomid")).isNull();
    }
}
