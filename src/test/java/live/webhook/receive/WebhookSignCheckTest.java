package live.webhook.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookSignCheckTest {

    /** Tencent's documented test vector: token xxxxyyyy, RequestTime 1669872112. */
    static final String VECTOR_SIGN = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";
    static final long VECTOR_TIME = 1669872112L;

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    WebhookSign check(String token, long maxSkewSeconds) {
        WebhookSign sign = new WebhookSign();
        sign.setToken(token);
        sign.setMaxSkewSeconds(String.valueOf(maxSkewSeconds));
        return sign;
    }

    Object errorCode(WebhookSign check, Object sign, Object requestTime) {
        Exchange exchange = new DefaultExchange(camel);
        if (sign != null) {
            exchange.setVariable("Sign", sign);
        }
        if (requestTime != null) {
            exchange.setVariable("RequestTime", requestTime);
        }
        return Answered.after(check, exchange).getVariable("ErrorCode");
    }

    @Test
    void withoutATokenEveryWebhookPasses() {
        WebhookSign unsigned = check("", 60);
        assertThat(unsigned.isSigned()).isFalse();
        assertThat(errorCode(unsigned, null, null)).isNull();
        assertThat(errorCode(unsigned, "forged", "1")).isNull();
    }

    @Test
    void theDocumentedTestVectorPassesWhenTheSkewAllowsItsTime() {
        long years = (System.currentTimeMillis() / 1000 - VECTOR_TIME) + 86400;
        WebhookSign check = check("xxxxyyyy", years);
        assertThat(errorCode(check, VECTOR_SIGN, String.valueOf(VECTOR_TIME))).isNull();
        // One character off, upper case, or any other time: refused.
        assertThat(errorCode(check, VECTOR_SIGN.substring(0, 63) + "0", String.valueOf(VECTOR_TIME))).isEqualTo(4013);
        assertThat(errorCode(check, VECTOR_SIGN.toUpperCase(), String.valueOf(VECTOR_TIME))).isEqualTo(4013);
        assertThat(errorCode(check, VECTOR_SIGN, String.valueOf(VECTOR_TIME + 1))).isEqualTo(4013);
        assertThat(errorCode(check, List.of(VECTOR_SIGN, VECTOR_SIGN), String.valueOf(VECTOR_TIME))).isEqualTo(4013);
        // The skew is the setting: the vector's time is years ago.
        assertThat(errorCode(check("xxxxyyyy", 60), VECTOR_SIGN, String.valueOf(VECTOR_TIME))).isEqualTo(4012);
    }

    @Test
    void signAndRequestTimeAreRequiredAndRequestTimeIsUnixSecondsNearNow() {
        WebhookSign check = check("token", 60);
        long now = System.currentTimeMillis() / 1000;
        assertThat(errorCode(check, null, String.valueOf(now))).isEqualTo(4011);
        assertThat(errorCode(check, "x", null)).isEqualTo(4011);
        assertThat(errorCode(check, " ", String.valueOf(now))).isEqualTo(4011);
        for (Object time : new Object[] {"12a", "-1", "1234567890123", "1.5", List.of("1", "2")}) {
            assertThat(errorCode(check, "x", time)).as("%s", time).isEqualTo(4012);
        }
        assertThat(errorCode(check, "x", String.valueOf(now - 61))).isEqualTo(4012);
        assertThat(errorCode(check, "x", String.valueOf(now + 61))).isEqualTo(4012);
        assertThat(errorCode(check, "x", String.valueOf(now - 50))).isEqualTo(4013);
    }

    @Test
    void digestsAreComparedNotTheTexts() {
        assertThat(WebhookSign.sameDigest("abc", "abc")).isTrue();
        assertThat(WebhookSign.sameDigest("abc", "abd")).isFalse();
        assertThat(WebhookSign.sameDigest("abc", "ab")).isFalse();
        assertThat(WebhookSign.sameDigest("", "")).isTrue();
    }
}
