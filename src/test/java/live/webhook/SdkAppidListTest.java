package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import live.webhook.support.WebhookService;
import org.junit.jupiter.api.Test;

/** TENCENT_SDKAPPID as people write lists: with spaces after the commas, or around the ends. */
class SdkAppidListTest {

    @Test
    void everyListedSdkAppidIsAcceptedAndNothingElse() {
        try (WebhookService service = WebhookService.start("tencent.sdkappid", " 1400000002, 1400000001 ")) {
            assertThat(status(service, "1400000001")).isEqualTo(200);
            assertThat(status(service, "1400000002")).isEqualTo(200);
            assertThat(status(service, "140000000")).isEqualTo(403);
            assertThat(status(service, "1400000002,1400000001")).isEqualTo(403);
            assertThat(status(service, "")).isEqualTo(403);
            assertThat(service.loggedMessages()).hasSize(4);
        }
    }

    static int status(WebhookService service, String sdkAppid) {
        return service.post("?SdkAppid=" + sdkAppid + "&CallbackCommand=" + SET, sample("set-metadata.json")).statusCode();
    }
}
