package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import live.webhook.support.LogCapture;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolLifecycleTest {

    @TempDir
    Path spool;

    SpoolLifecycle policy() {
        Spool bean = new Spool();
        bean.setDirectory(spool.toString());
        SpoolLifecycle policy = new SpoolLifecycle();
        policy.setSpool(bean);
        return policy;
    }

    /** A message an earlier run spooled, {@code ageMillis} ago. */
    void spooled(String value, long ageMillis) throws Exception {
        try (SpoolLog log = SpoolLog.open(spool, 1000).log()) {
            log.awaitDurable(log.append(java.util.List.of(java.util.Map.of("Value", value)), System.currentTimeMillis() - ageMillis));
        }
    }

    DefaultCamelContext context(SpoolLifecycle policy) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:spool-drain").routeId("spool-drain").routePolicy(policy).to("log:drained");
            }
        });
        return camel;
    }

    @Test
    void theLinesSayHowManyMessagesAndHowOldTheOldestIs() {
        SpoolLifecycle policy = policy();
        assertThat(policy.startLine(new Spool.SpoolState(0, 0))).isNull();
        assertThat(policy.startLine(new Spool.SpoolState(40, 93_500))).isEqualTo("Found 40 messages in the spool (SPOOL_DIR "
                + spool + ") left by an earlier run, the oldest waiting for 93 s: they go to Kafka before any newer message, "
                + "as soon as it is reachable");
        assertThat(policy.startLine(new Spool.SpoolState(1, 1000))).startsWith("Found 1 message in the spool");
        assertThat(policy.stopLine(20)).isEqualTo("Stopped with 20 messages in the spool (SPOOL_DIR " + spool
                + "): they are delivered when the service starts again with this spool");
        assertThat(policy.stopLine(0)).isEqualTo("Stopped with an empty spool (SPOOL_DIR " + spool + ")");
        assertThat(SpoolLifecycle.seconds(-5)).isEqualTo("0 s");
        assertThat(SpoolLifecycle.seconds(119_999)).isEqualTo("119 s");
        assertThat(SpoolLifecycle.seconds(125_000)).isEqualTo("2 min 5 s");
        assertThat(SpoolLifecycle.seconds(3 * 3600_000L + 61_000)).isEqualTo("3 h 1 min");
    }

    @Test
    void aStartFindingASpoolAndAStopLeavingOneAreLoggedOnceEach() throws Exception {
        spooled("1", 90_000);
        spooled("2", 1_000);
        SpoolLifecycle policy = policy();
        try (LogCapture log = LogCapture.start()) {
            DefaultCamelContext camel = context(policy);
            camel.start();
            assertThat(log.events()).filteredOn(e -> e.contains("tencent.live.kafka")).singleElement().satisfies(e ->
                    assertThat(e).startsWith("WARN tencent.live.kafka - Found 2 messages in the spool (SPOOL_DIR " + spool
                            + ") left by an earlier run, the oldest waiting for 9"));
            // One is delivered before the stop.
            org.apache.camel.Exchange drain = new org.apache.camel.support.DefaultExchange(camel);
            policy.getSpool().setBatchMessages(1);
            policy.getSpool().takeBatch(drain);
            policy.getSpool().delivered(drain);
            camel.stop();
            assertThat(log.events()).filteredOn(e -> e.contains("tencent.live.kafka")).hasSize(2).last().asString()
                    .startsWith("WARN tencent.live.kafka - Stopped with 1 message in the spool (SPOOL_DIR " + spool
                            + "): they are delivered when the service starts again with this spool");
        }
    }

    @Test
    void anEmptySpoolSaysNothingAtStartAndOneInfoLineAtStop() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            DefaultCamelContext camel = context(policy());
            camel.start();
            assertThat(log.events()).noneMatch(e -> e.contains("tencent.live.kafka"));
            camel.stop();
            assertThat(log.events()).filteredOn(e -> e.contains("tencent.live.kafka")).containsExactly(
                    "INFO tencent.live.kafka - Stopped with an empty spool (SPOOL_DIR " + spool + "){}");
        }
    }

    @Test
    void aRouteStoppedAndStartedWhileTheServiceRunsSaysNothing() throws Exception {
        spooled("1", 1_000);
        DefaultCamelContext camel = context(policy());
        camel.start();
        try (LogCapture log = LogCapture.start()) {
            // As a route reload does: the run goes on, the spool is not left to anyone.
            camel.getRouteController().stopRoute("spool-drain");
            camel.getRouteController().startRoute("spool-drain");
            assertThat(log.events()).noneMatch(e -> e.contains("tencent.live.kafka"));
        } finally {
            camel.stop();
        }
    }
}
