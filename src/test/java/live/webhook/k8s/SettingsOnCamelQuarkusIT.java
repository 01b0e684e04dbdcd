package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import live.webhook.support.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings check (routes/settings.camel.yaml, live.webhook.startup.SettingsCheck, from the
 * project's artifact) on Camel K's runtime: a pod whose settings are bad does not start, and says
 * which settings, by environment variable and property, in the check's own words. The pods of the
 * other Camel Quarkus tests start, so there the check passes with the Integration's settings, none of
 * camel-main's HTTP settings among them.
 */
class SettingsOnCamelQuarkusIT {

    @Test
    void aPodWithBadSettingsDoesNotStartAndNamesEachOne(@TempDir Path pod) throws Exception {
        String log = "quarkus-bad-settings";
        assertThatThrownBy(() -> IntegrationOnCamelQuarkusIT.startIntegration(pod, log,
                Map.of("SINK", "bogus", "TENCENT_SIGN_MAX_SKEW_SECONDS", "0")).close())
                .hasMessageContaining("service exited with 1");

        String output = Files.readString(ServiceProcess.logFile(log), StandardCharsets.UTF_8);
        assertThat(output).contains("Not started: TENCENT_SIGN_MAX_SKEW_SECONDS (tencent.sign.max.skew.seconds) must be a"
                + " whole number from 1 to 2147483647 (seconds), not '0'; SINK (sink) must be log, file or kafka, not 'bogus'");
        // Stopped before any route took a webhook: the platform-http route never started.
        assertThat(output).doesNotContain("Started webhook-receive");
    }
}
