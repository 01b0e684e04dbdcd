package live.webhook.sinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A file sink or spool write that failed (a full or read-only disk): records it for the sink's
 * readiness check, in the global variables writeFailure (the innermost cause, such as "No space left
 * on device", which Camel's file producer wraps in its own "Cannot store file") and writeFailedAt
 * (epoch milliseconds), and removes the partial file. Camel's file producer writes under the
 * dot-name (tempPrefix) and renames only when complete, so a failed write leaves exactly that file,
 * the dot-name of the variable WrittenFile, behind. The route then fails the webhook.
 */
public class FailedWrite implements Processor {

    @Override
    public void process(Exchange exchange) throws IOException {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        CamelContext context = exchange.getContext();
        context.setVariable("global:writeFailure", cause == null ? "unknown" : rootCause(cause).toString());
        context.setVariable("global:writeFailedAt", System.currentTimeMillis());
        Path file = Paths.get(exchange.getVariable("WrittenFile", String.class));
        // The spool names its directory: it cuts a failed write off itself.
        if (!Files.isDirectory(file)) {
            Files.deleteIfExists(file.resolveSibling("." + file.getFileName()));
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
