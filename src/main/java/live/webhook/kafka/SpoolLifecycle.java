package live.webhook.kafka;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's life, that of spool-drain, whose route policy this is (routes/kafka.camel.yaml): the spool
 * opens when the route starts and closes when it stops, and what it holds then is told in one line each.
 *
 * <p>At start-up, when the spool holds messages an earlier run left (a pod that was killed or stopped
 * during a Kafka outage, and this one took over its volume): how many, and how long the oldest has
 * waited. At shutdown, once Camel's shutdown strategy has let spool-drain's run under way go on
 * delivering while Kafka takes the spool (see {@link Spool#takeBatch}) and stopped the route: how many
 * messages are left on the volume for the next run. A route reload starts and stops the route too, with
 * no run ending: it logs nothing then.
 */
public class SpoolLifecycle extends RoutePolicySupport {

    static final Logger LOG = LoggerFactory.getLogger("tencent.live.kafka");

    private Spool spool;

    public Spool getSpool() {
        return spool;
    }

    public void setSpool(Spool spool) {
        this.spool = spool;
    }

    String getSpoolDir() {
        return spool.getDirectory();
    }

    @Override
    public void onInit(Route route) {
        // Opened and counted before the route's consumer starts: what the earlier run left, nothing delivered yet.
        spool.open();
        String line = startLine(spool.state());
        if (line != null && !route.getCamelContext().isStarted()) {
            LOG.warn(line);
        }
    }

    @Override
    public void onStop(Route route) {
        CamelContext context = route.getCamelContext();
        Spool.SpoolState left = spool.state();
        spool.close();
        if (context.isStopping() || context.isStopped()) {
            if (left.depth() > 0) {
                LOG.warn(stopLine(left.depth()));
            } else {
                LOG.info(stopLine(0));
            }
        }
    }

    /** The start-up line for a spool an earlier run left; null when it is empty. */
    String startLine(Spool.SpoolState found) {
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
        return Spool.messages(n);
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
