package live.webhook.k8s;

import static live.webhook.k8s.Yaml.list;
import static live.webhook.k8s.Yaml.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting rules of k8s/monitoring: promtool accepts them (check rules), they behave as
 * src/test/resources/monitoring/alerts.test.yaml says for every alert (test rules), both forms hold
 * the same rules, and every alert says what to do and where its runbook is.
 */
class MonitoringRulesTest {

    static final Path ROOT = ManifestValidator.ROOT;
    static final Path UNIT_TESTS = ROOT.resolve("src/test/resources/monitoring/alerts.test.yaml");
    static final List<String> RULES_FILES = List.of(Monitoring.RULES_FILE, Monitoring.OPT_IN_RULES_FILE);
    static final List<String> SEVERITIES = List.of("critical", "warning");

    @TempDir
    Path work;

    /** Alert name -> its rule, from the committed rules files. */
    static Map<String, Map<String, Object>> committedRules() throws IOException {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (String file : RULES_FILES) {
            rules.putAll(rules(Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8)));
        }
        return rules;
    }

    static Map<String, Map<String, Object>> rules(String rulesFile) {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Object group : list(map(Yaml.load(rulesFile)).get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                rules.put((String) map(rule).get("alert"), map(rule));
            }
        }
        return rules;
    }

    @Test
    void promtoolChecksTheCommittedRulesClean() throws Exception {
        Path promtool = PrometheusBinaries.promtool();
        List<String> command = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
        RULES_FILES.forEach(f -> command.add(ROOT.resolve(f).toString()));
        PrometheusBinaries.Result result = PrometheusBinaries.run(ROOT, command);
        assertThat(result.exitCode()).as("promtool check rules:\n%s", result.output()).isZero();
        assertThat(result.output()).as("promtool check rules").contains("SUCCESS: 9 rules found")
                .contains("SUCCESS: 1 rules found").doesNotContainIgnoringCase("warn");
    }

    @Test
    void promtoolRejectsABrokenRule() throws Exception {
        Path promtool = PrometheusBinaries.promtool();
        Path broken = work.resolve("broken.rules.yaml");
        Files.writeString(broken, Files.readString(ROOT.resolve(Monitoring.RULES_FILE))
                .replace("(tencent_spool_depth{", "(tencent_spool_depth{{"));
        PrometheusBinaries.Result result = PrometheusBinaries.run(work, List.of(promtool.toString(), "check", "rules",
                broken.toString()));
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void everyAlertFiresAndStaysSilentAsItsUnitTestsSay() throws Exception {
        Path promtool = PrometheusBinaries.promtool();
        Map<String, String> committed = new LinkedHashMap<>();
        for (String file : RULES_FILES) {
            committed.put(file, Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8));
        }
        PrometheusBinaries.Result result = unitTests(promtool, committed);
        assertThat(result.exitCode()).as("promtool test rules:\n%s", result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");

        // Each alert is tested both ways: firing at some time, and silent at another.
        Map<String, Object> tests = map(Yaml.load(Files.readString(UNIT_TESTS)));
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Object test : list(tests.get("tests"))) {
            for (Object check : list(map(test).get("alert_rule_test"))) {
                Object expected = map(check).get("exp_alerts");
                (expected == null || list(expected).isEmpty() ? silent : fires).add((String) map(check).get("alertname"));
            }
        }
        assertThat(fires).as("alerts with a test where they fire").isEqualTo(committedRules().keySet().stream()
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        assertThat(silent).as("alerts with a test where they stay silent").isEqualTo(fires);
    }

    @Test
    void theUnitTestsFailForRulesWithOtherThresholds() throws Exception {
        Path promtool = PrometheusBinaries.promtool();
        Monitoring.Thresholds other = Monitoring.Thresholds.read(ROOT).with(
                "spool.holding.for", "20m", "refused.ratio", "0.5", "sink.p99.seconds", "4", "heap.used.ratio", "0.99");
        Map<String, String> generated = Monitoring.generate(other);
        Map<String, String> rules = new LinkedHashMap<>();
        RULES_FILES.forEach(f -> rules.put(f, generated.get(f)));
        PrometheusBinaries.Result result = unitTests(promtool, rules);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("TencentWebhookSpoolHolding").contains("TencentWebhookSdkAppidRefused")
                .contains("TencentWebhookSinkSlow").contains("TencentWebhookHeapNearLimit")
                .doesNotContain("alertname: TencentWebhookNotReady");
    }

    /**
     * promtool test rules on alerts.test.yaml, next to the given rules files. Each expected alert gets
     * its rule's description and runbook_url, which hold no template, unless the test gives them.
     */
    PrometheusBinaries.Result unitTests(Path promtool, Map<String, String> rulesFiles) throws Exception {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : rulesFiles.entrySet()) {
            Files.writeString(work.resolve(Path.of(file.getKey()).getFileName()), file.getValue());
            rules.putAll(rules(file.getValue()));
        }
        Map<String, Object> tests = map(Yaml.load(Files.readString(UNIT_TESTS)));
        for (Object test : list(tests.get("tests"))) {
            for (Object check : list(map(test).get("alert_rule_test"))) {
                Object expected = map(check).get("exp_alerts");
                if (expected == null) {
                    continue;
                }
                Map<String, Object> annotations = map(rules.get((String) map(check).get("alertname")).get("annotations"));
                for (Object alert : list(expected)) {
                    Map<String, Object> exp = map(map(alert).computeIfAbsent("exp_annotations", k -> new LinkedHashMap<>()));
                    exp.putIfAbsent("description", annotations.get("description"));
                    exp.putIfAbsent("runbook_url", annotations.get("runbook_url"));
                }
            }
        }
        Path file = work.resolve("alerts.test.yaml");
        Files.writeString(file, Yaml.dump(tests));
        return PrometheusBinaries.run(work, List.of(promtool.toString(), "test", "rules", file.toString()));
    }

    @Test
    void thePrometheusRuleHoldsTheRulesOfThePlainRulesFile() throws IOException {
        for (String[] pair : new String[][] {{Monitoring.RULE, Monitoring.RULES_FILE},
                {Monitoring.OPT_IN_RULE, Monitoring.OPT_IN_RULES_FILE}}) {
            Map<String, Object> rule = map(Yaml.load(Files.readString(ROOT.resolve(pair[0]))));
            Object plain = Yaml.load(Files.readString(ROOT.resolve(pair[1])));
            assertThat(rule.get("kind")).isEqualTo("PrometheusRule");
            assertThat(rule.get("spec")).as("%s spec and %s", pair[0], pair[1]).isEqualTo(plain);
        }
    }

    @Test
    void everyAlertHasASeveritySummaryDescriptionAndARunbookSubsectionOfTheReadme() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Runbook\n");
        assertThat(start).as("README.md has a Runbook section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        String runbook = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^### (.+)$").matcher(runbook);
        while (heading.find()) {
            anchors.add(githubAnchor(heading.group(1)));
        }
        Map<String, Map<String, Object>> rules = committedRules();
        String base = Monitoring.Thresholds.read(ROOT).get("runbook.url");
        for (Map.Entry<String, Map<String, Object>> e : rules.entrySet()) {
            Map<String, Object> rule = e.getValue();
            Map<String, Object> annotations = map(rule.get("annotations"));
            assertThat(SEVERITIES).as(e.getKey()).contains((String) map(rule.get("labels")).get("severity"));
            assertThat((String) annotations.get("summary")).as(e.getKey()).isNotBlank();
            // The description says what to do, as fixed text: it is also what the unit tests expect.
            assertThat((String) annotations.get("description")).as(e.getKey()).hasSizeGreaterThan(80).doesNotContain("{{");
            String url = (String) annotations.get("runbook_url");
            assertThat(url).as(e.getKey()).startsWith(base + "#");
            assertThat(anchors).as("Runbook subsections of README.md").contains(url.substring(url.indexOf('#') + 1));
            assertThat(runbook).as("the Runbook names %s", e.getKey()).contains("### " + e.getKey());
        }
        assertThat(anchors).as("one Runbook subsection per alert").hasSameSizeAs(rules.keySet());
    }

    /** The anchor GitHub (and GitLab) give a heading: lower case, spaces to dashes, punctuation dropped. */
    static String githubAnchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }
}
