package live.webhook.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookRequestTest {

    final DefaultCamelContext camel = new DefaultCamelContext();
    final WebhookRequest receive = new WebhookRequest();

    @org.junit.jupiter.api.BeforeEach
    void start() {
        // A started context gives messages Camel's case-insensitive headers, as in the service.
        camel.start();
    }

    @AfterEach
    void close() {
        camel.stop();
    }

    Exchange request(String method, String contentType, String body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        if (contentType != null) {
            exchange.getMessage().setHeader("Content-Type", contentType);
        }
        exchange.getMessage().setBody(body);
        return Answered.after(receive, exchange);
    }

    @Test
    void keepsWhatTheChecksNeedAsVariablesAndDropsEveryHeader() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader("Content-Type", "application/json; charset=ISO-8859-1");
        // Camel headers are case-insensitive: the query parameter as Tencent spells it, or not.
        exchange.getMessage().setHeader("sdkappid", "1400000001");
        exchange.getMessage().setHeader("CallbackCommand", "Live.CallbackAfterSetMetadata");
        exchange.getMessage().setHeader("ClientIP", "10.0.0.1");
        exchange.getMessage().setHeader("traceparent", "00-x");
        exchange.getMessage().setHeader("Other", "dropped");
        exchange.getMessage().setBody("{}".getBytes(StandardCharsets.UTF_8));
        receive.process(exchange);

        assertThat(exchange.getVariables()).containsEntry("HttpMethod", "POST").containsEntry("SdkAppid", "1400000001")
                .containsEntry("CallbackCommand", "Live.CallbackAfterSetMetadata").containsEntry("ClientIP", "10.0.0.1")
                .containsEntry("TraceParent", "00-x").containsEntry("ContentType", "application/json; charset=ISO-8859-1")
                .doesNotContainKeys("Sign", "RequestTime", "TraceState", "ErrorCode", "Other");
        assertThat(exchange.getMessage().getHeaders()).isEmpty();
        assertThat(exchange.getMessage().getBody()).isInstanceOf(byte[].class);
        assertThat(exchange.getProperty(Exchange.CHARSET_NAME)).isEqualTo("UTF-8");
    }

    @Test
    void aParameterGivenTwiceStaysAList() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader("SdkAppid", List.of("1400000001", "1400000001"));
        receive.process(exchange);
        assertThat(exchange.getVariable("SdkAppid")).isEqualTo(List.of("1400000001", "1400000001"));
        assertThat(new NotListed() {{ setVariable("SdkAppid"); setListed("1400000001"); }}.matches(exchange)).as("not accepted").isTrue();
    }

    @Test
    void onlyPostIsAccepted() {
        assertThat(request("POST", "application/json", "{}").getVariable("ErrorCode")).isNull();
        for (String method : List.of("GET", "PUT", "post")) {
            Exchange refused = request(method, "application/json", "{}");
            assertThat(refused.getVariable("ErrorCode")).isEqualTo(4050);
            assertThat(refused.getVariable("ErrorInfo")).isEqualTo("Method not allowed, use POST");
        }
    }

    @Test
    void formsAreRefusedAnythingElseIsReadAsJson() {
        for (String type : List.of("application/x-www-form-urlencoded", "Multipart/Form-Data; boundary=x",
                "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8")) {
            assertThat(request("POST", type, "{}").getVariable("ErrorCode")).as(type).isEqualTo(4150);
        }
        for (String type : List.of("application/json", "text/plain", "application/json; charset=UTF-8")) {
            assertThat(request("POST", type, "{}").getVariable("ErrorCode")).as(type).isNull();
        }
        assertThat(request("POST", null, "{}").getVariable("ErrorCode")).isNull();
    }

    @Test
    void aBodyOverTheLimitIsRefused() {
        receive.setMaxBodyBytes("10");
        assertThat(request("POST", "application/json", "x".repeat(10)).getVariable("ErrorCode")).isNull();
        Exchange refused = request("POST", "application/json", "x".repeat(11));
        assertThat(refused.getVariable("ErrorCode")).isEqualTo(4130);
        assertThat(refused.getVariable("ErrorInfo")).isEqualTo("Body is larger than 10 bytes");
        // The limit counts bytes, not characters.
        assertThat(request("POST", "application/json", "\u00e9".repeat(6)).getVariable("ErrorCode")).isEqualTo(4130);
    }

    @Test
    void aLimitThatIsNotAWholeNumberLeavesTheDefaultForTheSettingsCheckToRefuse() {
        receive.setMaxBodyBytes("64KB");
        assertThat(receive.getMaxBodyBytes()).isEqualTo(65536);
        receive.setMaxBodyBytes(" 1024 ");
        assertThat(receive.getMaxBodyBytes()).isEqualTo(1024);
    }
}
