package live.webhook.kafka;

/**
 * The JAAS line of the Kafka producer's SASL login (camel-kafka's saslJaasConfig), made from the
 * mechanism, the user name and the password settings, so that no operator writes one: a typo in a
 * hand-written JAAS line fails only at the first connection, with an error that hides what was wrong.
 * PLAIN logs in with Kafka's PlainLoginModule, SCRAM-SHA-256 and SCRAM-SHA-512 with its
 * ScramLoginModule; the user name and the password are quoted as JAAS reads them (a backslash and a
 * double quote escaped). Without SASL (another mechanism, or none) it is empty, which camel-kafka
 * leaves out of the producer's configuration.
 *
 * <p>routes/kafka.camel.yaml declares the line as a bean made by {@link #jaasConfig}; it is made
 * when the routes are loaded, before the settings check, so it never throws: the settings check
 * refuses a bad mechanism, user name or password by name.
 */
public final class KafkaSasl {

    private KafkaSasl() {
    }

    /** The JAAS line for the mechanism, user name and password; empty when the mechanism is not one of the three. */
    public static String jaasConfig(String mechanism, String username, String password) {
        String module = loginModule(mechanism);
        if (module == null) {
            return "";
        }
        return module + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";";
    }

    /** Kafka's login module for a SASL mechanism this service supports, or null. */
    static String loginModule(String mechanism) {
        return switch (mechanism == null ? "" : mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            default -> null;
        };
    }

    private static String quoted(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
