package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class KafkaSaslTest {

    @Test
    void scramAndPlainLogInWithTheirOwnModules() {
        assertThat(KafkaSasl.jaasConfig("SCRAM-SHA-512", "webhook", "s3cret")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"webhook\" password=\"s3cret\";");
        assertThat(KafkaSasl.jaasConfig("SCRAM-SHA-256", "webhook", "s3cret"))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required");
        assertThat(KafkaSasl.jaasConfig("PLAIN", "API-KEY", "api-secret")).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"API-KEY\" password=\"api-secret\";");
    }

    @Test
    void withoutSaslThereIsNoLine() {
        assertThat(KafkaSasl.jaasConfig("", "u", "p")).isEmpty();
        assertThat(KafkaSasl.jaasConfig(null, null, null)).isEmpty();
        assertThat(KafkaSasl.jaasConfig("GSSAPI", "u", "p")).isEmpty();
        assertThat(KafkaSasl.jaasConfig("scram-sha-512", "u", "p")).as("Kafka's names are exact").isEmpty();
    }

    /** Kafka's own JAAS parser reads back the user name and the password, quotes and backslashes included. */
    @Test
    void kafkaReadsBackWhatWasGiven() {
        String password = "p\"a\\ss word;=";
        String line = KafkaSasl.jaasConfig("SCRAM-SHA-512", "we\"b", password);
        JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(line)));
        Map<String, ?> options = context.configurationEntries().get(0).getOptions();
        assertThat(options.get("username")).isEqualTo("we\"b");
        assertThat(options.get("password")).isEqualTo(password);
    }
}
