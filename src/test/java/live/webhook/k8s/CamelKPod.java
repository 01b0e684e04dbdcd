package live.webhook.k8s;

import static live.webhook.k8s.Yaml.list;
import static live.webhook.k8s.Yaml.map;
import static live.webhook.k8s.Yaml.mapOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import live.webhook.support.ServiceProcess;

/**
 * One pod of Camel K 2.10 running a plain-quarkus Integration, with the container's filesystem under
 * a directory of the test: what the operator mounts under /etc/camel, the emptyDirs and volumes of the mount
 * trait, and /deployments as the working directory. Laid out as the operator lays it out (Camel K
 * 2.10.1, pkg/trait: mount.go, environment.go, container.go, logging.go, kamelets.go):
 *
 * <ul>
 * <li>/etc/camel/sources/camel-k-embedded-flow.yaml: the Integration's flows;</li>
 * <li>/etc/camel/conf.d/_configmaps/NAME/ and /etc/camel/conf.d/_secrets/NAME/: each of
 * {@code mount.configs}, one file per key, their directories listed in
 * {@code camel.main.cloud-properties-location} (so only Camel reads them);</li>
 * <li>each of {@code mount.resources} ({@code secret:NAME[/KEY][@PATH]}, binary files as well), one
 * file per key, at PATH or else under /etc/camel/resources.d/_secrets/NAME/ (or _configmaps), and
 * never read as properties;</li>
 * <li>/etc/camel/application.properties, the operator's own (routes-include-pattern,
 * cloud-properties-location, the logging trait's keys, the Kamelet location), and
 * /etc/camel/conf.d/user.properties (configuration properties, such as a Pipe's Kamelet properties),
 * both named in QUARKUS_CONFIG_LOCATIONS;</li>
 * <li>the environment: the operator's variables, then those of the environment trait, a
 * {@code secret:NAME/KEY} value read from that Secret.</li>
 * </ul>
 *
 * <p>Two things differ from a pod, for a shared test machine: the webhook and management ports are
 * free ports given as QUARKUS_HTTP_PORT and QUARKUS_MANAGEMENT_PORT (8080 and 9876 in a pod), and both
 * servers listen on 127.0.0.1 only (QUARKUS_HTTP_HOST, QUARKUS_MANAGEMENT_HOST).
 */
final class CamelKPod implements AutoCloseable {

    static final Path ROOT = ManifestValidator.ROOT;
    static final String KAMELET_FILE = "k8s/kamelets/" + Manifests.KAMELET + ".kamelet.yaml";
    static final String CAMEL_K_VERSION = "2.10.1";
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private final Path root;
    private final ServiceProcess process;

    private CamelKPod(Path root, ServiceProcess process) {
        this.root = root;
        this.process = process;
    }

    // --- the resources, as committed (what kubectl apply -k applies) -----------------------------

    static Map<String, Object> integrationResource() {
        return map(Yaml.load(read(ROOT.resolve(Manifests.INTEGRATION))));
    }

    static Map<String, Object> kameletResource() {
        return map(Yaml.load(read(ROOT.resolve(KAMELET_FILE))));
    }

    /** The ConfigMaps k8s/camel-k/kustomization.yaml generates: name, file name, content. */
    static Map<String, Map<String, String>> integrationConfigMaps() {
        Path dir = ROOT.resolve("k8s/camel-k");
        Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        for (Object generator : list(map(Yaml.load(read(dir.resolve("kustomization.yaml")))).get("configMapGenerator"))) {
            Map<String, String> data = new LinkedHashMap<>();
            for (Object file : list(map(generator).get("files"))) {
                data.put(String.valueOf(file), read(dir.resolve(String.valueOf(file))));
            }
            configMaps.put(String.valueOf(map(generator).get("name")), data);
        }
        return configMaps;
    }

    static Map<String, Object> pipeResource() {
        return map(Yaml.load(read(ROOT.resolve(Manifests.PIPE))));
    }

    /**
     * The Integration Camel K makes of k8s/kamelets/pipe-to-kafka/pipe.yaml (pkg/controller/pipe), with
     * its sink, a Kamelet of the Apache Camel catalog, replaced by the given endpoint URI: the route
     * "binding" from kamelet:NAME/source to the sink, the source's properties as configuration
     * properties camel.kamelet.NAME.source.*, the Pipe's traits.
     */
    static Map<String, Object> pipeIntegration(String sinkUri) {
        return pipeIntegration(pipeResource(), sinkUri);
    }

    /**
     * The Integration Camel K makes of a Pipe (pkg/util/bindings/kamelet.go): the route "binding"
     * from kamelet:SOURCE/source to kamelet:SINK/sink, or to sinkUri when it is not null, each end's
     * properties as configuration properties camel.kamelet.NAME.source.* and camel.kamelet.NAME.sink.*,
     * the Pipe's traits.
     */
    static Map<String, Object> pipeIntegration(Map<String, Object> pipe, String sinkUri) {
        Map<String, Object> spec = map(pipe.get("spec"));
        List<Object> configuration = new ArrayList<>();
        String source = kameletEnd(spec, "source", configuration);
        String to = sinkUri != null ? sinkUri : "kamelet:" + kameletEnd(spec, "sink", configuration) + "/sink";
        Map<String, Object> route = mapOf("route", mapOf("id", "binding", "from", mapOf(
                "uri", "kamelet:" + source + "/source", "steps", List.of(mapOf("to", to)))));
        return mapOf("apiVersion", "camel.apache.org/v1", "kind", "Integration",
                "metadata", mapOf("name", map(pipe.get("metadata")).get("name")),
                "spec", mapOf("configuration", configuration, "flows", List.of(route), "traits", spec.get("traits")));
    }

    /** The Kamelet of a Pipe's end, its properties added to the configuration. */
    private static String kameletEnd(Map<String, Object> spec, String end, List<Object> configuration) {
        Map<String, Object> endpoint = map(spec.get(end));
        String kamelet = String.valueOf(map(endpoint.get("ref")).get("name"));
        Map<String, Object> properties = endpoint.containsKey("properties") ? map(endpoint.get("properties")) : Map.of();
        properties.forEach((key, value) -> configuration.add(mapOf("type", "property",
                "value", "camel.kamelet." + kamelet + "." + end + "." + key + "=" + value)));
        return kamelet;
    }

    /** A Kamelet of the Apache Camel Kamelets catalogue (camel-kamelets on the test classpath), as the operator installs it. */
    static Map<String, Object> catalogueKamelet(String name) {
        try (var in = CamelKPod.class.getClassLoader().getResourceAsStream("kamelets/" + name + ".kamelet.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the Kamelets catalogue on the test classpath has no " + name);
            }
            return map(Yaml.load(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sink of the tests' Pipe: each event as a file of its own, named by its headers, holding
     * the event's body as the Kamelet emits it.
     */
    static String pipeSink(Path dir) {
        return "file:" + dir + "?fileName=${header.CallbackCommand}/${header.RoomId}/${header.MetadataKey}.json";
    }

    // --- the pod ---------------------------------------------------------------------------------

    static Builder of(Map<String, Object> integration, CamelQuarkusBuild.App app, Path root) {
        return new Builder(integration, app, root);
    }

    static final class Builder {
        private final Map<String, Object> integration;
        private final CamelQuarkusBuild.App app;
        private final Path root;
        private final Map<String, Map<String, byte[]>> configMaps = new LinkedHashMap<>();
        private final Map<String, Map<String, byte[]>> secrets = new LinkedHashMap<>();
        private final List<String> extraVars = new ArrayList<>();
        private final List<Map<String, Object>> kamelets = new ArrayList<>();
        private String readyPath;
        private int readyStatus;

        private Builder(Map<String, Object> integration, CamelQuarkusBuild.App app, Path root) {
            this.integration = integration;
            this.app = app;
            this.root = root;
        }

        Builder configMap(String name, Map<String, String> data) {
            configMaps.put(name, utf8(data));
            return this;
        }

        Builder secret(String name, Map<String, String> data) {
            secrets.put(name, utf8(data));
            return this;
        }

        /** A Secret whose keys are these files of dir, byte for byte (a PKCS12 store, say). */
        Builder secretFiles(String name, Path dir, String... keys) {
            Map<String, byte[]> data = new LinkedHashMap<>();
            for (String key : keys) {
                try {
                    data.put(key, Files.readAllBytes(dir.resolve(key)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            secrets.put(name, data);
            return this;
        }

        private static Map<String, byte[]> utf8(Map<String, String> data) {
            Map<String, byte[]> bytes = new LinkedHashMap<>();
            data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
            return bytes;
        }

        /** One more variable of the environment trait, as an operator adds one to the Integration. */
        Builder env(String name, String value) {
            extraVars.add(name + "=" + value);
            return this;
        }

        Builder kamelet(Map<String, Object> kamelet) {
            kamelets.add(kamelet);
            return this;
        }

        /** Ready once GET on the webhook port's path answers status (default: the management port's readiness, 200). */
        Builder readyWhenWebhookPort(String path, int status) {
            readyPath = path;
            readyStatus = status;
            return this;
        }

        CamelKPod start(String logName) throws IOException, InterruptedException {
            Map<String, Object> spec = map(integration.get("spec"));
            Map<String, Object> traits = map(spec.get("traits"));
            Path etc = mkdirs(root.resolve("etc/camel"));
            Path confD = mkdirs(etc.resolve("conf.d"));
            Path deployments = mkdirs(root.resolve("deployments"));

            Path sources = mkdirs(etc.resolve("sources"));
            Files.writeString(sources.resolve("camel-k-embedded-flow.yaml"), Yaml.dump(spec.get("flows")), StandardCharsets.UTF_8);

            Map<String, Object> mount = traits.containsKey("mount") ? map(traits.get("mount")) : Map.of();
            List<String> cloudLocations = new ArrayList<>();
            for (Object config : mount.containsKey("configs") ? list(mount.get("configs")) : List.of()) {
                String[] kindName = String.valueOf(config).split(":", 2);
                Map<String, byte[]> data = (kindName[0].equals("secret") ? secrets : configMaps).get(kindName[1]);
                if (data == null) {
                    throw new IllegalStateException("the Integration mounts " + config + ", which the test does not give");
                }
                Path dir = mkdirs(confD.resolve(kindName[0].equals("secret") ? "_secrets" : "_configmaps").resolve(kindName[1]));
                for (Map.Entry<String, byte[]> e : data.entrySet()) {
                    Files.write(dir.resolve(e.getKey()), e.getValue());
                }
                cloudLocations.add(dir.toString());
            }
            // Paths of the container that are directories or files of the pod's root here: the
            // resources' mounts, the emptyDirs and the volumes.
            List<String> mounted = new ArrayList<>();
            for (Object resource : mount.containsKey("resources") ? list(mount.get("resources")) : List.of()) {
                mounted.add(mountResource(String.valueOf(resource)));
            }
            // The mount trait's emptyDirs (name:path[:size]) and PersistentVolumeClaims (name:path[:size:mode...]):
            // either is a directory of the pod's root here.
            List<Object> volumes = new ArrayList<>();
            volumes.addAll(mount.containsKey("emptyDirs") ? list(mount.get("emptyDirs")) : List.of());
            volumes.addAll(mount.containsKey("volumes") ? list(mount.get("volumes")) : List.of());
            for (Object volume : volumes) {
                String path = String.valueOf(volume).split(":")[1];
                mkdirs(containerPath(path));
                mounted.add(path);
            }

            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("camel.main.source-location-enabled", "true");
            properties.put("camel.main.routes-include-pattern", "file:" + sources + "/**");
            if (!cloudLocations.isEmpty()) {
                properties.put("camel.main.cloud-properties-location", String.join(",", cloudLocations));
            }
            // The logging trait, as it is by default.
            properties.put("camel.k.logging.level", "INFO");
            properties.put("camel.k.logging.json", "false");
            properties.put("camel.k.logging.color", "true");
            properties.put("quarkus.console.color", "${camel.k.logging.color}");
            properties.put("quarkus.log.console.json", "${camel.k.logging.json}");
            properties.put("quarkus.log.level", "${camel.k.logging.level}");
            if (!kamelets.isEmpty()) {
                Path bundle = mkdirs(etc.resolve("kamelets/kamelets-bundle-0"));
                for (Map<String, Object> kamelet : kamelets) {
                    String name = String.valueOf(map(kamelet.get("metadata")).get("name"));
                    Files.writeString(bundle.resolve(name + ".kamelet.yaml"), Yaml.dump(kamelet), StandardCharsets.UTF_8);
                }
                properties.put("camel.component.kamelet.location", "file:" + bundle + ",classpath:/kamelets");
                properties.put("camel.component.kamelet.no-error-handler", "false");
            }
            writeProperties(etc.resolve("application.properties"), properties);
            StringBuilder user = new StringBuilder();
            for (Object c : spec.containsKey("configuration") ? list(spec.get("configuration")) : List.of()) {
                if ("property".equals(map(c).get("type"))) {
                    // A Kamelet property naming a file of the pod (a store on a mounted Secret), as for a variable.
                    String[] kv = String.valueOf(map(c).get("value")).split("=", 2);
                    user.append(kv[0]).append('=').append(onThisMachine(kv[1], mounted)).append('\n');
                }
            }
            Files.writeString(confD.resolve("user.properties"), user.toString(), StandardCharsets.UTF_8);

            Map<String, String> env = new LinkedHashMap<>();
            String name = String.valueOf(map(integration.get("metadata")).get("name"));
            env.put("CAMEL_K_CONF", etc.resolve("application.properties").toString());
            env.put("CAMEL_K_CONF_D", confD.toString());
            env.put("CAMEL_K_VERSION", CAMEL_K_VERSION);
            env.put("CAMEL_K_OPERATOR_ID", "camel-k");
            env.put("CAMEL_K_INTEGRATION", name);
            env.put("CAMEL_K_RUNTIME_VERSION", app.runtimeVersion());
            env.put("CAMEL_K_MOUNT_PATH_CONFIGMAPS", confD.resolve("_configmaps").toString());
            env.put("CAMEL_K_MOUNT_PATH_SECRETS", confD.resolve("_secrets").toString());
            env.put("QUARKUS_CONFIG_LOCATIONS", etc.resolve("application.properties") + "," + confD.resolve("user.properties"));
            env.put("NAMESPACE", "default");
            env.put("POD_NAME", name + "-0");
            List<Object> vars = new ArrayList<>();
            Map<String, Object> environment = traits.containsKey("environment") ? map(traits.get("environment")) : Map.of();
            if (environment.containsKey("vars")) {
                vars.addAll(list(environment.get("vars")));
            }
            vars.addAll(extraVars);
            for (Object var : vars) {
                String[] kv = String.valueOf(var).split("=", 2);
                env.put(kv[0], value(kv[1], mounted));
            }
            // This machine is shared: loopback only (a pod listens on 0.0.0.0).
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");

            ServiceProcess process = ServiceProcess.command(
                            List.of(ServiceProcess.java(), "-jar", app.runJar().toString()), env,
                            ServiceProcess.logFile(logName), "QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_PORT")
                    .workingDirectory(deployments)
                    // Start-up takes 3 to 7 s here, far longer while the shared machine is busy.
                    .startTimeout(Duration.ofMinutes(3));
            if (readyPath != null) {
                process.readyWhen(p -> URI.create("http://127.0.0.1:" + p.port() + readyPath), readyStatus);
            }
            Files.deleteIfExists(ServiceProcess.logFile(logName));
            CamelKPod pod = new CamelKPod(root, process);
            try {
                process.start();
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return pod;
        }

        /**
         * One of mount.resources, where the operator mounts it (Camel K 2.10.1, pkg/trait/mount.go
         * mountResource, pkg/util/resource/config.go): KIND:NAME[/KEY][@PATH], the whole resource as a
         * directory of its keys at PATH, or its one KEY as the file PATH; without PATH under
         * /etc/camel/resources.d/_secrets/NAME/ (_configmaps). Returns the container path.
         */
        private String mountResource(String resource) throws IOException {
            Matcher r = Pattern.compile("(secret|configmap):([\\w.:-]+)(?:/([\\w.:-]+))?(?:@([\\w.:/-]+))?").matcher(resource);
            if (!r.matches()) {
                throw new IllegalStateException("mount.resources " + resource + " is not KIND:NAME[/KEY][@PATH]");
            }
            boolean secret = r.group(1).equals("secret");
            Map<String, byte[]> data = (secret ? secrets : configMaps).get(r.group(2));
            if (data == null) {
                throw new IllegalStateException("the Integration mounts " + resource + ", which the test does not give");
            }
            String key = r.group(3);
            String path = r.group(4) != null ? r.group(4)
                    : "/etc/camel/resources.d/" + (secret ? "_secrets/" : "_configmaps/") + r.group(2);
            if (key != null && r.group(4) != null) {
                // One key as the file PATH (a subPath mount).
                Path file = containerPath(path);
                mkdirs(file.getParent());
                Files.write(file, required(data, key, resource));
                return path;
            }
            Path dir = mkdirs(containerPath(path));
            for (Map.Entry<String, byte[]> e : data.entrySet()) {
                if (key == null || key.equals(e.getKey())) {
                    Files.write(dir.resolve(e.getKey()), e.getValue());
                }
            }
            if (key != null) {
                required(data, key, resource);
            }
            return path;
        }

        private static byte[] required(Map<String, byte[]> data, String key, String what) {
            if (!data.containsKey(key)) {
                throw new IllegalStateException(what + " names the key " + key + ", which the test does not give");
            }
            return data.get(key);
        }

        /** A literal value, with a path in a mounted volume or resource moved under the pod's root; or a Secret's or ConfigMap's key. */
        private String value(String value, List<String> mounted) {
            Matcher ref = Pattern.compile("(secret|configmap):([^/]+)/(.+)").matcher(value);
            if (ref.matches()) {
                Map<String, byte[]> data = (ref.group(1).equals("secret") ? secrets : configMaps).get(ref.group(2));
                if (data == null || !data.containsKey(ref.group(3))) {
                    throw new IllegalStateException("the environment trait reads " + value + ", which the test does not give");
                }
                return new String(data.get(ref.group(3)), StandardCharsets.UTF_8);
            }
            return onThisMachine(value, mounted);
        }

        /** A path of the container in one of the mounted directories or files, as the path under the pod's root here. */
        private String onThisMachine(String value, List<String> mounted) {
            for (String dir : mounted) {
                if (value.equals(dir) || value.startsWith(dir + "/")) {
                    return containerPath(value).toString();
                }
            }
            return value;
        }

        private Path containerPath(String absolute) {
            return root.resolve(absolute.substring(1));
        }
    }

    /** Where the container's path (of an emptyDir, say) is on this machine. */
    Path path(String containerPath) {
        return root.resolve(containerPath.substring(1));
    }

    ServiceProcess process() {
        return process;
    }

    URI uri(String pathAndQuery) {
        return process.uri(pathAndQuery);
    }

    URI management(String path) {
        return URI.create("http://127.0.0.1:" + process.managementPort() + path);
    }

    /** The messages the given logger wrote to the console, in order (Quarkus' console format, colours removed). */
    List<String> loggedBy(String logger) throws IOException {
        Pattern line = Pattern.compile("^\\S+ \\S+ +\\w+ +\\[" + Pattern.quote(logger) + "] \\((.*?)\\) (.*)$");
        List<String> messages = new ArrayList<>();
        for (String l : process.output().split("\n")) {
            Matcher m = line.matcher(ANSI.matcher(l).replaceAll(""));
            if (m.matches()) {
                messages.add(m.group(2));
            }
        }
        return messages;
    }

    String output() throws IOException {
        return ANSI.matcher(process.output()).replaceAll("");
    }

    /** A full garbage collection in the pod's JVM (jcmd GC.run), as one happens sooner or later. */
    void collectGarbage() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
                .redirectErrorStream(true).start();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).as("jcmd GC.run finished").isTrue();
        String out = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gc.exitValue()).as("jcmd GC.run: %s", out).isZero();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }

    private static void writeProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder();
        properties.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
