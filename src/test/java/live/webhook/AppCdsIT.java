package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's AppCDS archive, made and used as k8s/plain/Dockerfile makes and uses it: its training
 * run (k8s/plain/appcds-archive.sh with the Dockerfile's RUN arguments) writes an archive, and the
 * ENTRYPOINT's command line maps it: with -Xshare:on, a start that cannot use the archive fails.
 */
class AppCdsIT {

    static final Path DOCKERFILE = Path.of("k8s", "plain", "Dockerfile");
    static final Path JAR = Path.of("target", "tencent-live-webhook.jar").toAbsolutePath();
    static final String IMAGE_JAR = "/app/tencent-live-webhook.jar";
    static final String IMAGE_ARCHIVE = "/app/app.jsa";

    @Test
    void theImagesCommandLineStartsFromTheArchiveItsBuildMakes(@TempDir Path app) throws Exception {
        String dockerfile = Files.readString(DOCKERFILE, StandardCharsets.UTF_8);
        List<String> training = trainingArguments(dockerfile);
        List<String> entrypoint = entrypoint(dockerfile);
        assertThat(training.subList(0, 2)).containsExactly(IMAGE_ARCHIVE, IMAGE_JAR);
        assertThat(entrypoint).contains("-XX:SharedArchiveFile=" + IMAGE_ARCHIVE).endsWith("-jar", IMAGE_JAR);

        // /app as the image has it: the routes beside the jar; the archive where the image keeps it.
        copyRoutes(app);
        Path archive = app.resolve("app.jsa");
        List<String> train = new ArrayList<>(List.of("bash", Path.of("k8s", "plain", "appcds-archive.sh").toAbsolutePath().toString()));
        training.forEach(a -> train.add(local(a, archive)));
        ProcessBuilder builder = new ProcessBuilder(train).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(app.resolve("training.log").toFile());
        builder.environment().put("APPCDS_HTTP_PORT", String.valueOf(WebhookService.freePort()));
        builder.environment().put("APPCDS_MANAGEMENT_PORT", String.valueOf(WebhookService.freePort()));
        Process trainingRun = builder.start();
        assertThat(trainingRun.waitFor(180, TimeUnit.SECONDS)).as("training run finished").isTrue();
        assertThat(trainingRun.exitValue()).as(Files.readString(app.resolve("training.log"))).isZero();
        assertThat(Files.size(archive)).isGreaterThan(10_000_000);
        try (Stream<Path> left = Files.list(app)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("the training run leaves nothing behind")
                    .containsExactlyInAnyOrder("routes", "app.jsa", "training.log");
        }

        List<String> command = new ArrayList<>();
        command.add(ServiceProcess.java());
        Path classes = app.resolve("classes.log");
        command.add("-Xshare:on");
        command.add("-Xlog:class+load=info:file=" + classes);
        entrypoint.subList(1, entrypoint.size()).forEach(a -> command.add(local(a, archive)));
        Path log = ServiceProcess.logFile("appcds");
        try (ServiceProcess service = ServiceProcess.command(command, Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID), log,
                "HTTP_PORT", "MANAGEMENT_PORT").workingDirectory(app).start()) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            service.uri("/callback?SdkAppid=" + WebhookService.SDKAPPID + "&CallbackCommand=" + SET))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(sample("set-metadata.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        long fromArchive = loaded.stream().filter(l -> l.contains("source: shared objects file (top)")).count();
        assertThat(fromArchive).as("classes mapped from the application's archive").isGreaterThan(3_000);
        assertThat(loaded).anySatisfy(l -> assertThat(l)
                .contains("live.webhook.receive.WebhookRequest source: shared objects file (top)"));
    }

    /** The arguments of the RUN line that calls appcds-archive.sh, after the script. */
    static List<String> trainingArguments(String dockerfile) {
        String joined = dockerfile.replace("\\\n", " ");
        Matcher m = Pattern.compile("(?m)^RUN bash \\S*appcds-archive\\.sh\\s+([^&\\n]+)").matcher(joined);
        assertThat(m.find()).as("the Dockerfile runs appcds-archive.sh").isTrue();
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }

    /** The ENTRYPOINT's exec form, as a list. */
    static List<String> entrypoint(String dockerfile) {
        Matcher m = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]\\s*$").matcher(dockerfile);
        assertThat(m.find()).as("the Dockerfile has an exec-form ENTRYPOINT").isTrue();
        List<String> args = new ArrayList<>();
        Matcher a = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (a.find()) {
            args.add(a.group(1));
        }
        return args;
    }

    /** An argument of the image's command line with the image's paths made local. */
    static String local(String argument, Path archive) {
        return argument.replace(IMAGE_ARCHIVE, archive.toString()).replace(IMAGE_JAR, JAR.toString());
    }

    static void copyRoutes(Path app) throws IOException {
        Path routes = Files.createDirectories(app.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
    }
}
