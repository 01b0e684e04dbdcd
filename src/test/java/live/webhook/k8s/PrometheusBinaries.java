package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own binaries, promtool and prometheus (Debian's prometheus package has both; .ci/run
 * installs it): from the environment variables PROMTOOL and PROMETHEUS, else the PATH. Locally a test
 * that needs one is skipped, saying why, when it is absent; in CI (CI=true) it fails instead.
 */
final class PrometheusBinaries {

    private PrometheusBinaries() {
    }

    static Path promtool() {
        return require("promtool", "PROMTOOL");
    }

    static Path prometheus() {
        return require("prometheus", "PROMETHEUS");
    }

    private static Path require(String name, String variable) {
        Path found = find(name, variable);
        String why = name + " is not installed (apt-get install prometheus, or set " + variable + ")";
        if (Boolean.parseBoolean(System.getenv("CI"))) {
            assertThat(found).as(why + "; CI must run this test").isNotNull();
        }
        assumeTrue(found != null, why);
        return found;
    }

    static Path find(String name, String variable) {
        String given = System.getenv(variable);
        if (given != null && !given.isBlank()) {
            return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to its end (at most a minute) and returns its exit code and its output, stdout and stderr. */
    static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
