package live.webhook.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.RepresentToNode;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

/**
 * Reads and writes YAML as plain maps and lists (key order kept), with the same engine the Camel
 * YAML DSL parses routes with. Output is block style, two-space indent, lines never folded.
 */
final class Yaml {

    private Yaml() {
    }

    static List<Object> loadAll(String text) {
        List<Object> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
            if (document != null) {
                documents.add(document);
            }
        }
        return documents;
    }

    static Object load(String text) {
        return new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    static String dump(Object value) {
        DumpSettings settings = DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(Integer.MAX_VALUE)
                .setSplitLines(false)
                .setDereferenceAliases(true)
                .build();
        return new Dump(settings, new Representer(settings)).dumpToString(value);
    }

    /** Double quotes for a one-line string with a ' in it, where the emitter would double each '. */
    private static final class Representer extends StandardRepresenter {
        Representer(DumpSettings settings) {
            super(settings);
            RepresentToNode strings = representers.get(String.class);
            representers.put(String.class, data -> {
                String text = (String) data;
                if (text.indexOf('\'') >= 0 && text.indexOf('\n') < 0) {
                    return representScalar(Tag.STR, text, ScalarStyle.DOUBLE_QUOTED);
                }
                return strings.representData(data);
            });
        }
    }

    /** Every line indented by the given number of spaces (for a block nested in a hand-written file). */
    static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.append(pad).append(line);
            }
            out.append('\n');
        }
        // split(-1) leaves one empty element after the final newline
        return out.substring(0, out.length() - 1);
    }

    /** A deep copy, so that a sub-route inlined twice is two independent trees. */
    @SuppressWarnings("unchecked")
    static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, copy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    static Map<String, Object> mapOf(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
