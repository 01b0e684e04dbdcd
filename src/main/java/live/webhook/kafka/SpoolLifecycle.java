package live.webhook.kafka;

import java.nio.file.Path;
import java.nio.file.Paths;

import live.webhook.health.SpoolState;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the spool holds when the service starts and when it stops, told in one line each: the route
 * policy of spool-drain (routes/kafka.camel.yaml).
 *
 * <p>At start-up, when the spool holds messages an earlier run left (a pod that was killed or stopped
 * during a Kafka outage, and this one took over its volume): how many, and how long the oldest has
 * waited. At shutdown, after Camel's shutdown strategy let spool-drain finish the poll under way (the
 * whole spool, while Kafka takes it; shutdownRunningTask CompleteAllTasks) and stopped every route:
 * how many messages are left on the volume for the next run. A route reload starts and stops the route too, with no run ending: it logs
 * nothing then.
 */
public class SpoolLifecycle extends RoutePolicySupport {

    static final Logger LOG = LoggerFactory.getLogger("tencent.live.kafka");

    private SpoolState spool;

    public String getSpoolDir() {
        return spool == null ? null : spool.directory().toString();
    }

    public void setSpoolDir(String spoolDir) {
        Path dir = Paths.get(spoolDir);
        this.spool = new SpoolState(dir);
    }

    @Override
    public void onInit(Route route) {
        // Counted before the route's consumer starts: what the earlier run left, nothing delivered yet.
        CamelContext context = route.getCamelContext();
        if (spool != null && !context.isStarted()) {
            String line = startLine(spool.read());
            if (line != null) {
                LOG.warn(line);
            }
        }
    }

    @Override
    public void onStop(Route route) {
        CamelContext context = route.getCamelContext();
        if (spool != null && (context.isStopping() || context.isStopped())) {
            SpoolState.Snapshot left = spool.read();
            if (left.depth() > 0) {
                LOG.warn(stopLine(left.depth()));
            } else {
                LOG.info(stopLine(0));
            }
        }
    }

    /** The start-up line for a spool an earlier run left; null when it is empty. */
    String startLine(SpoolState.Snapshot found) {
        if (found.depth() == 0) {
            return null;
        }
        return "Found " + messages(found.depth()) + " in the spool (SPOOL_DIR " + getSpoolDir() + ") left by an earlier run, "
                + "the oldest waiting for " + seconds(found.oldestAgeMillis()) + ": they go to Kafka before any newer message, "
                + "as soon as it is reachable";
    }

    /** The shutdown line: how many messages stay on the volume. */
    String stopLine(long left) {
        if (left == 0) {
            return "Stopped with an empty spool (SPOOL_DIR " + getSpoolDir() + ")";
        }
        return "Stopped with " + messages(left) + " in the spool (SPOOL_DIR " + getSpoolDir() + "): they are delivered "
                + "when the service starts again with this spool";
    }

    private static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    static String seconds(long millis) {
        long s = Math.max(0, millis) / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 2 * 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
