package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import live.webhook.bench.FaultRun;
import live.webhook.bench.FaultRun.Fault;
import live.webhook.bench.FaultRun.FaultTiming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka sink's delivery guarantee under real faults, on every change: the packaged jar as a
 * process, a 3-node KRaft cluster of processes ({@code KafkaCluster}), 200 webhooks/s throughout
 * ({@link FaultRun}'s lanes: each key's webhooks one after the other, as Tencent sends a room's).
 * The leader of partition 0 is SIGKILLed and started again, then the service itself is SIGKILLed and
 * started again on its spool. Every message answered 200 must be on the topic, every key must end on
 * its newest value answered 200, the spool must be empty for good within 30 s once the killed node
 * is back, once the service is back and once the load stops, readiness must never be DOWN while the
 * process is up, and no webhook may get a 404 or a refused connection while the service runs.
 *
 * <p>The full scenario, with a pause and a rolling restart and a report, is {@code bench/faults}. The
 * run's files (node and service logs, the spool, every answer in answers.csv, the report as
 * report.md) stay in {@code target/kafka-cluster-faults-it/}.
 */
// 60-100 s here on 2 cores (the most at a load average of 10); the bound leaves room for a busier machine.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaClusterFaultsIT {

    static final Path DIR = Path.of("target", "kafka-cluster-faults-it");
    static final long SPOOL_BOUND_MS = 30_000;

    @Test
    void nothingAnsweredOkIsLostOrOvertakenThroughALeaderKillAndAServiceKill() throws Exception {
        // A dead node is fenced after broker.session.timeout.ms (9 s by default); 3 s, with
        // heartbeats every 0.5 s, keeps the stall, and the test, short. C1 only for the nodes: their
        // starts cost about half the CPU, and 400 records/s need no C2.
        FaultRun.Settings settings = new FaultRun.Settings()
                .workDir(DIR)
                .rate(200)
                .lanes(400)
                .warmup(Duration.ofSeconds(8))
                .quiet(Duration.ofSeconds(10))
                .quietExtension(Duration.ofSeconds(30))
                .drainBound(Duration.ofSeconds(45))
                .faults(List.of(Fault.leaderKill(Duration.ofSeconds(5)), Fault.serviceKill()))
                .brokerProperty("broker.session.timeout.ms", "3000")
                .brokerProperty("broker.heartbeat.interval.ms", "500")
                .nodeJvmOptions(List.of("-XX:TieredStopAtLevel=1"))
                .command("mvn -B -ntp verify -Dit.test=KafkaClusterFaultsIT");

        FaultRun.Result result = FaultRun.run(settings);
        String report = FaultRun.markdown(result);
        Files.writeString(DIR.resolve("report.md"), report, StandardCharsets.UTF_8);
        FaultRun.writeJson(result, DIR.resolve("result.json"));
        System.out.println(report);

        assertThat(result.answers().ok()).as("webhooks answered 200").isGreaterThan(1000);
        assertThat(result.answers().notFound()).as("webhooks answered 404").isZero();
        assertThat(result.answers().refusedWhileUp()).as("connections refused while the service ran").isZero();
        assertThat(result.topic().missing()).as("messages answered 200 and not on the topic: %s",
                result.topic().missingExamples()).isZero();
        assertThat(result.topic().keysEndingOlder()).as("keys whose last record is older than their newest 200: %s",
                result.topic().olderExamples()).isZero();
        assertThat(result.topic().timestampMismatches()).as("records whose timestamp is not their EventTime").isZero();
        assertThat(result.readiness().downPolls()).as("readiness DOWN while the process was up: %s",
                result.readiness().downPeriods()).isZero();
        FaultTiming leaderKill = result.faults().get(0);
        assertThat(leaderKill.spoolEmptyAfterEndMs()).as("spool empty for good after the killed leader was back (see %s)",
                DIR.resolve("report.md")).isNotNull().isLessThanOrEqualTo(SPOOL_BOUND_MS);
        FaultTiming serviceKill = result.faults().get(1);
        assertThat(serviceKill.spoolEmptyAfterEndMs()).as("spool empty for good after the service was back (see %s)",
                DIR.resolve("report.md")).isNotNull().isLessThanOrEqualTo(SPOOL_BOUND_MS);
        assertThat(result.spool().emptyAfterLoadStopMs()).as("spool empty after the load stopped").isNotNull()
                .isLessThanOrEqualTo(SPOOL_BOUND_MS);
    }
}
