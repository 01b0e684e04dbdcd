package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import live.webhook.support.LogCapture;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.Test;

/** No token configured: unsigned webhooks are accepted, and the start-up log says so, once, as a warning. */
class UnsignedWarningTest {

    static final String WARNING = "No webhook token is set (TENCENT_CALLBACK_TOKEN): unsigned webhooks are accepted.";

    @Test
    void warnsOnceAndAcceptsUnsignedWebhooks() {
        try (LogCapture logs = LogCapture.start(); WebhookService service = WebhookService.start("sink", "log")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> warnings(logs).size() >= 1);
            assertThat(warnings(logs)).singleElement().satisfies(w -> assertThat(w).startsWith("WARN tencent.live.webhook - "));

            // Sign and RequestTime mean nothing without a token: neither is required nor checked.
            assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
            assertThat(service.post(query(SET) + "&RequestTime=1&Sign=nonsense", sample("set-metadata.json")).statusCode()).isEqualTo(200);
            assertThat(service.loggedMessages()).hasSize(4);

            // Once: still one a while later, after webhooks have come in.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> warnings(logs).size() == 1);
        }
    }

    static List<String> warnings(LogCapture logs) {
        return logs.events().stream().filter(e -> e.contains(WARNING)).toList();
    }
}
