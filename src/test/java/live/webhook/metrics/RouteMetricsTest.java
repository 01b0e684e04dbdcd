package live.webhook.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicy;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RouteMetrics gives the series of camel-micrometer's MicrometerRoutePolicy, compared on one registry. */
class RouteMetricsTest {

    DefaultCamelContext context;
    PrometheusMeterRegistry meters;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        context.getRegistry().bind(MeterRegistries.NAME, meters);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(IllegalStateException.class).handled(true).setBody(constant("handled"));
                from("direct:camels").routeId("camels").routePolicy(new MicrometerRoutePolicy()).to("direct:work");
                from("direct:ours").routeId("ours").routePolicy(new RouteMetrics()).to("direct:work");
                from("direct:work").routeId("work").choice()
                        .when(body().isEqualTo("fail")).throwException(new IllegalArgumentException("failed"))
                        .when(body().isEqualTo("handle")).throwException(new IllegalStateException("handled"))
                        .end();
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void theSameSeriesWithTheSameFiguresAsMicrometersRoutePolicy() {
        ProducerTemplate template = context.createProducerTemplate();
        for (String route : new String[] {"camels", "ours"}) {
            for (String body : new String[] {"ok", "ok", "ok", "fail", "handle", "handle"}) {
                try {
                    template.sendBody("direct:" + route, body);
                } catch (Exception expected) {
                    // the failed one
                }
            }
        }
        String scrape = meters.scrape();
        Set<String> camels = series(scrape, "camels");
        Set<String> ours = series(scrape, "ours");
        assertThat(camels).contains("camel_exchanges_total 6.0", "camel_exchanges_failed_total 1.0",
                "camel_exchanges_succeeded_total 5.0", "camel_exchanges_failures_handled_total 2.0",
                "camel_route_policy_seconds_count 6");
        assertThat(ours).isEqualTo(camels);
        assertThat(scrape).contains("camel_route_policy_seconds_sum{camelContext=\"" + context.getName()
                + "\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"ours\"}");
    }

    /** Every series of routeId, with its value, except timings (sums and maxima differ run to run). */
    static Set<String> series(String scrape, String routeId) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(camel_[a-z_]+)\\{([^}]*routeId=\"" + routeId + "\"[^}]*)} (\\S+)$").matcher(scrape);
        while (m.find()) {
            String name = m.group(1);
            if (name.endsWith("_sum") || name.endsWith("_max")) {
                found.add(name + " " + m.group(2).replace(routeId, "ROUTE"));
            } else {
                found.add(name + " " + m.group(3));
                found.add(name + " " + m.group(2).replace(routeId, "ROUTE"));
            }
        }
        return found;
    }
}
