package live.webhook.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpStatusTest {

    @ParameterizedTest
    @CsvSource({"4050, 405", "4150, 415", "4130, 413", "4030, 403", "4011, 401", "4013, 401", "4001, 400", "4006, 400", "5000, 500"})
    void theStatusIsTheErrorCodesFirstThreeDigits(int errorCode, int status) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable("ErrorCode", errorCode);
            new HttpStatus().process(exchange);
            assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(status);
        }
    }
}
