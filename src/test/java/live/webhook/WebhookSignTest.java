package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import live.webhook.support.WebhookSign;
import org.junit.jupiter.api.Test;

/** The signature the tests compute is Tencent's: checked against the documented test vector. */
class WebhookSignTest {

    @Test
    void documentedTestVector() {
        assertThat(WebhookSign.sign("xxxxyyyy", "1669872112"))
                .isEqualTo("17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
    }

    @Test
    void lowercaseHexOfSha256OverTokenThenTime() {
        // SHA-256("") is the well-known e3b0...; token and time are concatenated with no separator.
        assertThat(WebhookSign.sign("", "")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(WebhookSign.sign("xxxx", "yyyy1669872112")).isEqualTo(WebhookSign.sign("xxxxyyyy", "1669872112"));
        assertThat(WebhookSign.sign("a", "1")).matches("[0-9a-f]{64}");
    }
}
