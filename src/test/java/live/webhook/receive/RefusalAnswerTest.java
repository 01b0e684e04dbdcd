package live.webhook.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RefusalAnswerTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aRefusalIsAnsweredWithItsErrorCodeAndTheStatusOfItsFirstThreeDigits(ErrorCode code) throws Exception {
        Exchange exchange = caught(code.refusal());
        assertThat(exchange.getVariable("ErrorCode")).isEqualTo(code.code());
        assertThat(exchange.getVariable("ErrorInfo")).isEqualTo(code.info());
        assertThat(exchange.getVariable("HttpStatus")).isEqualTo(code.code() / 10);
        assertThat(exchange.getVariable("Outcome")).isEqualTo("refused");
    }

    @ParameterizedTest
    @CsvSource({"4050, 405", "4150, 415", "4130, 413", "4030, 403", "4011, 401", "4013, 401", "4001, 400", "4006, 400", "5000, 500"})
    void theStatusIsTheErrorCodesFirstThreeDigits(int errorCode, int status) {
        ErrorCode code = Arrays.stream(ErrorCode.values()).filter(c -> c.code() == errorCode).findFirst().orElseThrow();
        assertThat(code.httpStatus()).isEqualTo(status);
    }

    @Test
    void whatNoCheckForesawIsAnswered5000WithoutItsMessage() throws Exception {
        Exchange exchange = caught(new IllegalStateException("secret detail"));
        assertThat(exchange.getVariable("ErrorCode")).isEqualTo(5000);
        assertThat(exchange.getVariable("ErrorInfo")).isEqualTo("Webhook could not be processed");
        assertThat(exchange.getVariable("HttpStatus")).isEqualTo(500);
        assertThat(exchange.getVariable("Outcome")).isEqualTo("failed");
    }

    private static Exchange caught(Throwable thrown) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, thrown);
            new Refusal().process(exchange);
            return exchange;
        }
    }
}
