package live.webhook.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailedWriteTest {

    @Test
    void recordsTheInnermostCauseForReadinessAndRemovesTheDotFileOnly(@TempDir Path dir) throws Exception {
        Path partial = Files.writeString(dir.resolve(".20260101T000000000-A.jsonl"), "{\"half");
        Path other = Files.writeString(dir.resolve("20260101T000000000-B.jsonl"), "{}\n");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable("WrittenFile", dir.resolve("20260101T000000000-A.jsonl").toString());
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                    new RuntimeException("Cannot store file", new IOException("No space left on device")));
            long before = System.currentTimeMillis();
            new FailedWrite().process(exchange);

            assertThat(partial).doesNotExist();
            assertThat(other).exists();
            // As the readiness check and the routes read them.
            assertThat(camel.getVariable("global:writeFailure")).isEqualTo("java.io.IOException: No space left on device");
            assertThat(camel.resolveLanguage("simple").createExpression("${variable.global:writeFailedAt}")
                    .evaluate(exchange, Long.class)).isBetween(before, System.currentTimeMillis());
        }
    }
}
