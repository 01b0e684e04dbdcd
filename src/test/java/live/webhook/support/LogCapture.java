package live.webhook.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Everything logged in the JVM while open, on the root logger: each event as its logger, level,
 * message, arguments and the whole chain of any throwable with its stack. The loggers the test
 * configuration quietens are raised to INFO meanwhile, so what is seen is what the service logs
 * in production (root INFO).
 */
public final class LogCapture implements AutoCloseable {

    private static final List<String> QUIETENED_IN_TESTS = List.of("org.apache.camel.main", "org.apache.camel.impl");

    private final Appender appender = new Appender();
    private final Map<String, Level> previousLevels = new HashMap<>();

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        for (String name : QUIETENED_IN_TESTS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            capture.previousLevels.put(name, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        capture.appender.setContext(root.getLoggerContext());
        capture.appender.start();
        root.addAppender(capture.appender);
        return capture;
    }

    /** Every captured event, rendered with all it carries. */
    public List<String> events() {
        return List.copyOf(appender.events);
    }

    @Override
    public void close() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        appender.stop();
        previousLevels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private static final class Appender extends AppenderBase<ILoggingEvent> {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder text = new StringBuilder()
                    .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getFormattedMessage());
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    text.append(" | ").append(argument);
                }
            }
            text.append(event.getMDCPropertyMap());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    text.append("\n\t").append(frame.getSTEAsString());
                }
            }
            events.add(text.toString());
        }
    }
}
