package live.webhook.k8s;

import static live.webhook.k8s.Yaml.copy;
import static live.webhook.k8s.Yaml.list;
import static live.webhook.k8s.Yaml.map;
import static live.webhook.k8s.Yaml.mapOf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.support.PatternHelper;

/**
 * Turns the webhook routes into the one route a Kamelet template is (from + steps).
 *
 * <ul>
 * <li>The entry is the route that consumes {@code platform-http:}.</li>
 * <li>Each {@code to: direct:NAME} is replaced by the steps of the route consuming {@code direct:NAME},
 * recursively. A direct route is synchronous and shares the exchange, so its steps run the same
 * inline; {@code stop} stops the whole exchange in both cases.</li>
 * <li>The call to the configured sink ({@code to: direct:...{{sink}}}) becomes a split of the message
 * list into {@code kamelet:sink}, one JSON event per message.</li>
 * <li>The onException clauses of the routeConfigurations that apply to an inlined route become a
 * doTry/doCatch around its steps (handled exceptions only); an errorHandler other than
 * noErrorHandler, or any other routeConfiguration feature, cannot be expressed and fails.</li>
 * <li>Node ids are dropped: one sub-route inlined twice would otherwise repeat its ids, and every
 * instance of a Kamelet is a route of its own.</li>
 * <li>A {@code process} step (or a {@code ref} predicate) that names a bean of the routes' {@code beans} entries becomes a step that
 * names a template bean of the Kamelet ({@code ref: "{{name}}"}, the way the Kamelet catalogue refers
 * to its own Java processors), declared as {@code type: "#class:..."} with the bean's properties,
 * whose placeholders become the Kamelet's parameters. The beans of {@value #SERVICE_METRICS_FILE} (the
 * service's own tencent_* metrics) are left out with their steps: a Kamelet instance is measured by
 * the integration that uses it.</li>
 * <li>Property placeholders {@code {{key}}} become the Kamelet's parameters, except {@code {{sink}}},
 * which is {@code kamelet} there; {@code ${properties:key}},
 * which reads a property when a message passes, reads a variable that the template sets from the
 * parameter first, because a Kamelet's parameters exist only while its route is being built.</li>
 * </ul>
 */
final class KameletTemplate {

    static final String ENTRY_SCHEME = "platform-http:";
    /** The route file whose beans are the service's metrics, which a Kamelet leaves out. */
    static final String SERVICE_METRICS_FILE = "metrics.camel.yaml";
    /** The project's class that turns a message into the event the Kamelet hands to kamelet:sink. */
    static final String KAMELET_EVENT_CLASS = "live.webhook.kamelet.KameletEvent";
    static final String KAMELET_EVENT_BEAN = "kameletEvent";
    static final String SINK_PROPERTY = "sink";
    /** Variables that carry parameters read as ${properties:...}; prefixed to stay apart from the routes' own. */
    static final String PARAMETER_VARIABLE_PREFIX = "KameletParameter_";

    /** {{key}} or {{key:default}}; functions such as {{env:NAME}} are left alone. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}:]+)(:[^{}]*)?}}");
    private static final Set<String> PLACEHOLDER_FUNCTIONS = Set.of("env", "sys", "sysenv", "service",
            "service.host", "service.port", "secret", "configmap", "secret-binary", "configmap-binary", "ref", "bean");
    private static final Pattern PROPERTIES_FUNCTION = Pattern.compile("\\$\\{properties:([^:}]+)(:[^}]*)?}");

    private final Routes routes;
    private final Function<String, String> parameterName;
    private final Map<String, Map<String, Object>> directRoutes = new LinkedHashMap<>();
    private final Deque<String> inlining = new ArrayDeque<>();
    /** Route property keys the template uses, in first-use order. */
    final Set<String> propertyKeys = new LinkedHashSet<>();
    /** Of those, the ones read when a message passes (${properties:...}). */
    final Set<String> runtimePropertyKeys = new LinkedHashSet<>();
    Map<String, Object> template;

    /** The beans the routes' beans entries define, by name. */
    private final Map<String, Map<String, Object>> routeBeans = new LinkedHashMap<>();
    /** Of those, the ones the template leaves out (the service's metrics). */
    private final Set<String> leftOut = new LinkedHashSet<>();
    /** The template beans, by name, in first-use order. */
    private final Map<String, Map<String, Object>> templateBeans = new LinkedHashMap<>();

    private KameletTemplate(Routes routes, Function<String, String> parameterName) {
        this.routes = routes;
        this.parameterName = parameterName;
        routes.files.forEach((file, text) -> {
            Object document = Yaml.load(text);
            for (Object item : document == null ? List.of() : list(document)) {
                Object beans = map(item).get("beans");
                if (beans != null) {
                    for (Object bean : list(beans)) {
                        String name = String.valueOf(map(bean).get("name"));
                        routeBeans.put(name, map(bean));
                        if (SERVICE_METRICS_FILE.equals(file)) {
                            leftOut.add(name);
                        }
                    }
                }
            }
        });
        for (Map<String, Object> route : routes.itemsOf("route")) {
            String uri = Routes.fromUri(route);
            if (uri.startsWith("direct:")) {
                directRoutes.put(endpointName(uri), route);
            }
        }
    }

    /** Builds the template; parameterName maps a route property key to the Kamelet parameter name. */
    static KameletTemplate build(Routes routes, Function<String, String> parameterName) {
        KameletTemplate t = new KameletTemplate(routes, parameterName);
        t.template = t.buildTemplate();
        return t;
    }

    private Map<String, Object> buildTemplate() {
        List<Map<String, Object>> entries = routes.itemsOf("route").stream()
                .filter(r -> Routes.fromUri(r).startsWith(ENTRY_SCHEME)).toList();
        if (entries.size() != 1) {
            throw new IllegalStateException("the Kamelet is built from the one route consuming " + ENTRY_SCHEME
                    + ", found " + entries.size());
        }
        Map<String, Object> entry = entries.get(0);
        Map<String, Object> from = Routes.from(entry);
        List<Object> steps = inlineRoute(entry);

        Map<String, Object> templateFrom = new LinkedHashMap<>();
        templateFrom.put("uri", rewrite(from.get("uri")));
        if (from.containsKey("parameters")) {
            templateFrom.put("parameters", rewrite(copy(from.get("parameters"))));
        }
        List<Object> templateSteps = new ArrayList<>();
        for (String key : runtimePropertyKeys) {
            templateSteps.add(mapOf("setVariable", mapOf(
                    "name", PARAMETER_VARIABLE_PREFIX + parameterName.apply(key),
                    "constant", "{{" + parameterName.apply(key) + "}}")));
        }
        templateSteps.addAll(steps);
        templateFrom.put("steps", templateSteps);
        if (templateBeans.isEmpty()) {
            return mapOf("from", templateFrom);
        }
        return mapOf("beans", new ArrayList<>(templateBeans.values()), "from", templateFrom);
    }

    private List<Object> inlineRoute(Map<String, Object> route) {
        String id = String.valueOf(route.get("id"));
        if (route.containsKey("precondition")) {
            throw new IllegalStateException("route " + id + " has a precondition; the Kamelet cannot evaluate it");
        }
        List<Object> steps = expand(copy(Routes.from(route).getOrDefault("steps", List.of())));
        List<Object> catches = new ArrayList<>();
        for (Map<String, Object> configuration : configurationsOf(route)) {
            for (Map.Entry<String, Object> e : configuration.entrySet()) {
                switch (e.getKey()) {
                    case "id", "description", "precondition" -> {
                    }
                    case "errorHandler" -> {
                        if (!map(e.getValue()).containsKey("noErrorHandler")) {
                            throw new IllegalStateException("route " + id + ": errorHandler " + e.getValue()
                                    + " cannot be expressed in a Kamelet template");
                        }
                        // Without an error handler a failure travels to the caller; inlined, it
                        // travels to the enclosing doTry or out of the route: the same.
                    }
                    case "onException" -> {
                        for (Object clause : list(e.getValue())) {
                            catches.add(toCatch(id, map(map(clause).get("onException"))));
                        }
                    }
                    default -> throw new IllegalStateException("route " + id + ": routeConfiguration "
                            + e.getKey() + " cannot be expressed in a Kamelet template");
                }
            }
        }
        if (catches.isEmpty()) {
            return steps;
        }
        return new ArrayList<>(List.of(mapOf("doTry", mapOf("steps", steps, "doCatch", catches))));
    }

    private Map<String, Object> toCatch(String routeId, Map<String, Object> onException) {
        Map<String, Object> doCatch = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : onException.entrySet()) {
            switch (e.getKey()) {
                case "id", "description" -> {
                }
                case "exception" -> doCatch.put("exception", copy(e.getValue()));
                case "handled" -> {
                    Object handled = e.getValue() instanceof Map<?, ?> m ? m.get("constant") : e.getValue();
                    if (!"true".equals(String.valueOf(handled))) {
                        throw new IllegalStateException("route " + routeId + ": only a handled onException"
                                + " (handled: constant true) becomes a doCatch");
                    }
                }
                case "steps" -> doCatch.put("steps", expand(copy(e.getValue())));
                default -> throw new IllegalStateException("route " + routeId + ": onException " + e.getKey()
                        + " cannot be expressed in a Kamelet template");
            }
        }
        if (!onException.containsKey("handled")) {
            throw new IllegalStateException("route " + routeId + ": only a handled onException becomes a doCatch");
        }
        return doCatch;
    }

    /** The routeConfigurations Camel applies to the route: by id (patterns allowed), else the ones without id. */
    private List<Map<String, Object>> configurationsOf(Map<String, Object> route) {
        Object ids = route.get("routeConfigurationId");
        List<Map<String, Object>> applied = new ArrayList<>();
        for (Map<String, Object> configuration : routes.itemsOf("routeConfiguration")) {
            Object configurationId = configuration.get("id");
            if (ids == null) {
                if (configurationId == null) {
                    applied.add(configuration);
                }
            } else if (configurationId != null) {
                for (String pattern : String.valueOf(ids).split(",")) {
                    if (PatternHelper.matchPattern(String.valueOf(configurationId), pattern.trim())) {
                        applied.add(configuration);
                        break;
                    }
                }
            }
        }
        return applied;
    }

    /** Inlines direct calls in a step list and walks into every nested step list. */
    private List<Object> expand(Object stepsValue) {
        List<Object> result = new ArrayList<>();
        for (Object step : list(stepsValue)) {
            Map<String, Object> s = map(step);
            if (s.get("process") instanceof Map<?, ?> process && routeBeans.containsKey(String.valueOf(process.get("ref")))) {
                String name = String.valueOf(process.get("ref"));
                if (!leftOut.contains(name)) {
                    result.add(mapOf("process", mapOf("ref", templateBean(name, routeBeans.get(name)))));
                }
                continue;
            }
            String target = directTarget(s);
            if (target == null) {
                result.add(walk(s));
                continue;
            }
            if (target.contains("{{")) {
                if (!target.contains("{{" + SINK_PROPERTY + "}}")) {
                    throw new IllegalStateException("to: " + target + " picks a route by a property; only the"
                            + " sink choice (" + SINK_PROPERTY + ") has a Kamelet equivalent");
                }
                result.addAll(sinkHandOver());
                continue;
            }
            String name = endpointName(target);
            Map<String, Object> route = directRoutes.get(name);
            if (route == null) {
                throw new IllegalStateException("to: " + target + " but no route consumes direct:" + name);
            }
            if (inlining.contains(name)) {
                throw new IllegalStateException("direct:" + name + " calls itself; it cannot be inlined");
            }
            inlining.push(name);
            result.addAll(inlineRoute(route));
            inlining.pop();
        }
        return result;
    }

    /**
     * Declares a route bean as a template bean: its Java class as {@code #class:}, its properties with
     * their placeholders as the Kamelet's parameters. Gives the reference a step uses.
     */
    private String templateBean(String name, Map<String, Object> bean) {
        if (!templateBeans.containsKey(name)) {
            Map<String, Object> declared = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : bean.entrySet()) {
                switch (e.getKey()) {
                    case "name" -> declared.put("name", name);
                    case "type" -> {
                        String type = String.valueOf(e.getValue());
                        declared.put("type", type.startsWith("#class:") ? type : "#class:" + type);
                    }
                    case "properties" -> declared.put("properties", rewrite(copy(e.getValue())));
                    default -> throw new IllegalStateException("bean " + name + ": " + e.getKey()
                            + " has no equivalent in a Kamelet's template bean here; use type and properties");
                }
            }
            templateBeans.put(name, declared);
        }
        return "{{" + name + "}}";
    }

    /** Drops node ids, rewrites placeholders and expands nested "steps" lists. */
    private Object walk(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if ("id".equals(key)) {
                    continue;
                }
                // A predicate bean of the routes (filter: ref:, when: ref:) becomes a template bean too.
                if ("ref".equals(key) && routeBeans.containsKey(String.valueOf(e.getValue()))
                        && !leftOut.contains(String.valueOf(e.getValue()))) {
                    out.put(key, templateBean(String.valueOf(e.getValue()), routeBeans.get(String.valueOf(e.getValue()))));
                    continue;
                }
                if ("steps".equals(key) && e.getValue() instanceof List<?>) {
                    out.put(key, expand(e.getValue()));
                } else if ("parameters".equals(key)) {
                    out.put(key, rewrite(copy(e.getValue())));
                } else {
                    out.put(key, walk(e.getValue()));
                }
            }
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(walk(v)));
            return out;
        }
        return rewrite(node);
    }

    private Object rewrite(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), rewrite(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(rewrite(v)));
            return out;
        }
        if (!(value instanceof String text)) {
            return value;
        }
        Matcher p = PROPERTIES_FUNCTION.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (p.find()) {
            String key = p.group(1).trim();
            propertyKeys.add(key);
            runtimePropertyKeys.add(key);
            p.appendReplacement(sb, Matcher.quoteReplacement(
                    "${variable." + PARAMETER_VARIABLE_PREFIX + parameterName.apply(key) + "}"));
        }
        p.appendTail(sb);
        Matcher m = PLACEHOLDER.matcher(sb.toString());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1).trim();
            if (PLACEHOLDER_FUNCTIONS.contains(key)) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            if (SINK_PROPERTY.equals(key)) {
                // The Kamelet's sink is always kamelet:sink (metric tags and the like say so).
                m.appendReplacement(out, "kamelet");
                continue;
            }
            propertyKeys.add(key);
            String fallback = m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement("{{" + parameterName.apply(key) + fallback + "}}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * One JSON event per message, keyed like the Kafka sink's records ([RoomId, Key] as JSON), with the
     * CloudEvents attributes and the trace context as the Kafka sink's records carry them (ce_*,
     * traceparent, tracestate) when the message is a CloudEvent. Camel's header names are
     * case-insensitive, so the metadata key travels as MetadataKey, apart from key.
     */
    private List<Object> sinkHandOver() {
        String event = templateBean(KAMELET_EVENT_BEAN, mapOf("name", KAMELET_EVENT_BEAN, "type", KAMELET_EVENT_CLASS));
        return new ArrayList<>(List.of(mapOf("split", mapOf(
                "simple", "${body}",
                "stopOnException", true,
                "steps", new ArrayList<>(List.of(
                        mapOf("process", mapOf("ref", event)),
                        mapOf("to", "kamelet:sink")))))));
    }

    /** The direct: endpoint a "to" step calls, or null. A direct: endpoint's own options do not matter inlined. */
    private static String directTarget(Map<String, Object> step) {
        if (step.containsKey("toD")) {
            Object toD = step.get("toD");
            String uri = toD instanceof Map<?, ?> m ? String.valueOf(m.get("uri")) : String.valueOf(toD);
            if (uri.startsWith("direct:")) {
                throw new IllegalStateException("toD: " + uri + " picks a route at run time; it cannot be inlined");
            }
            return null;
        }
        if (step.size() != 1 || !step.containsKey("to")) {
            return null;
        }
        Object to = step.get("to");
        String uri = to instanceof Map<?, ?> m ? String.valueOf(m.get("uri")) : String.valueOf(to);
        return uri.startsWith("direct:") ? uri : null;
    }

    private static String endpointName(String uri) {
        String rest = uri.substring(uri.indexOf(':') + 1);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }
}
