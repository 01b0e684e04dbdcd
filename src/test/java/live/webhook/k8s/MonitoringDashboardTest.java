package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed Grafana dashboard is importable as it is: every panel names its data source through
 * the dashboard's own variable, every variable a query uses is defined (or one of Grafana's), panels
 * do not overlap, and the panels the operators need are there. That each query returns data from the
 * service is MonitoringPrometheusTest's.
 */
class MonitoringDashboardTest {

    static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    static JsonNode dashboard;

    @BeforeAll
    static void read() throws IOException {
        dashboard = new ObjectMapper().readTree(ManifestValidator.ROOT.resolve(Monitoring.DASHBOARD).toFile());
    }

    @Test
    void everyQueryUsesOnlyDefinedVariablesAndTheDashboardsDataSource() {
        Set<String> defined = new HashSet<>(GRAFANA_VARIABLES);
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        assertThat(defined).contains("datasource", "namespace");
        Pattern variable = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(refIds.add(target.path("refId").asText())).as("%s: refIds unique", title).isTrue();
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
                Matcher m = variable.matcher(target.path("expr").asText());
                while (m.find()) {
                    assertThat(defined).as("%s: variable of %s", title, target.path("expr").asText()).contains(m.group(1));
                }
                // The service's series only: its own selector in every query.
                assertThat(target.path("expr").asText()).as(title).contains("job=\"tencent-live-webhook\"");
            }
        }
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlapOnTheGrid() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel.path("id")).isTrue();
            JsonNode g = panel.path("gridPos");
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertThat(box[0] + box[2]).as("within Grafana's 24 columns").isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean apart = box[0] >= other[0] + other[2] || other[0] >= box[0] + box[2]
                        || box[1] >= other[1] + other[3] || other[1] >= box[1] + box[3];
                assertThat(apart).as("panel %s overlaps another", panel.path("title").asText()).isTrue();
            }
            boxes.add(box);
        }
    }

    @Test
    void theOperatorsPanelsAreThere() {
        Set<String> queries = new TreeSet<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        assertThat(queries)
                .anySatisfy(q -> assertThat(q).startsWith("sum by (outcome) (rate(tencent_webhooks_total{"))
                .anySatisfy(q -> assertThat(q).startsWith("sum by (reason) (rate(tencent_webhooks_total{").contains("outcome=\"refused\""))
                .anySatisfy(q -> assertThat(q).contains("rate(tencent_messages_total{"))
                .anySatisfy(q -> assertThat(q).startsWith("histogram_quantile(0.5, ").contains("tencent_sink_seconds_bucket"))
                .anySatisfy(q -> assertThat(q).startsWith("histogram_quantile(0.99, ").contains("tencent_sink_seconds_bucket"))
                .anySatisfy(q -> assertThat(q).contains("tencent_spool_depth{"))
                .anySatisfy(q -> assertThat(q).contains("tencent_spool_oldest_age_seconds{"))
                .anySatisfy(q -> assertThat(q).contains("tencent_webhooks_in_flight{"))
                .anySatisfy(q -> assertThat(q).contains("jvm_memory_used_bytes{").contains("area=\"heap\""))
                .anySatisfy(q -> assertThat(q).contains("jvm_memory_max_bytes{").contains("area=\"heap\""))
                .anySatisfy(q -> assertThat(q).contains("jvm_gc_pause_seconds"));
    }
}
