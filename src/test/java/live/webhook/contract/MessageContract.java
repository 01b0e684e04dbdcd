package live.webhook.contract;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.resource.InputStreamSource;

/**
 * The published contract of a message, for any test to check what a sink gave:
 * {@code MessageContract.assertValidMessage(json)} for a message (a Kafka record's value),
 * {@code MessageContract.assertValidCloudEvent(json)} for a line of the log or file sink.
 * <p>
 * The schemas are read from {@code src/main/contract/} (tests run from the repository root), by their
 * file URIs, so the CloudEvent schema's relative {@code $ref} to the message schema resolves to the
 * file beside it, the very file the AsyncAPI document refers to. {@code format} is asserted, not only
 * annotated, so a {@code time} that is not RFC 3339 fails.
 */
public final class MessageContract {

    /** The directory of the contract files. */
    public static final Path DIR = Path.of("src/main/contract").toAbsolutePath().normalize();
    public static final Path MESSAGE_SCHEMA = DIR.resolve("room-metadata-message.schema.json");
    public static final Path CLOUDEVENT_SCHEMA = DIR.resolve("room-metadata-cloudevent.schema.json");
    public static final Path ASYNCAPI = DIR.resolve("asyncapi.yaml");

    /** Strict reading: a field given twice or trailing data is not one JSON value. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Draft 2020-12, format asserted, violations located by JSONPath ($.data.Key). A file: IRI under DIR
     * is read from disk, so a relative $ref between the contract files is followed.
     */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).pathType(PathType.JSON_PATH).build())
                    .resourceLoaders(loaders -> loaders.add(MessageContract::contractFile)));

    private static final Schema MESSAGE = load(MESSAGE_SCHEMA);
    private static final Schema CLOUDEVENT = load(CLOUDEVENT_SCHEMA);

    private MessageContract() {
    }

    /** Fails, listing every violation, unless {@code json} is one message as room-metadata-message.schema.json says. */
    public static void assertValidMessage(String json) {
        assertValid(MESSAGE, MESSAGE_SCHEMA, json);
    }

    /** Fails, listing every violation, unless {@code json} is one event as room-metadata-cloudevent.schema.json says. */
    public static void assertValidCloudEvent(String json) {
        assertValid(CLOUDEVENT, CLOUDEVENT_SCHEMA, json);
    }

    /** The violations of a message, empty when it is valid. */
    public static List<String> messageViolations(String json) {
        return violations(MESSAGE, json);
    }

    /** The violations of a CloudEvent, empty when it is valid. */
    public static List<String> cloudEventViolations(String json) {
        return violations(CLOUDEVENT, json);
    }

    private static void assertValid(Schema schema, Path file, String json) {
        List<String> violations = violations(schema, json);
        if (!violations.isEmpty()) {
            throw new AssertionError("Not valid against src/main/contract/" + file.getFileName() + ":\n  "
                    + String.join("\n  ", violations) + "\nin: " + json);
        }
    }

    private static List<String> violations(Schema schema, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of("not one JSON value: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("not one JSON value: empty");
        }
        return schema.validate(node).stream().map(Error::toString).collect(Collectors.toList());
    }

    private static InputStreamSource contractFile(AbsoluteIri iri) {
        URI uri = URI.create(iri.toString());
        if (!"file".equals(uri.getScheme())) {
            return null;
        }
        Path file = Path.of(uri).normalize();
        return file.startsWith(DIR) ? () -> Files.newInputStream(file) : null;
    }

    private static Schema load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no contract file " + file + " (run the tests from the repository root)");
        }
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of(file.toUri().toString()));
        schema.initializeValidators(); // resolve every $ref now, so a broken one fails here
        return schema;
    }
}
