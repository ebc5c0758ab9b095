package io.arraysock.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's log records (System.Logger, backed by java.util.logging) as the CLI shows
 * them: one line each on stderr, {@code arraysock: WARNING: message}, numbers as written
 * (pid 1056, not "1,056"), a stack trace and DEBUG records only under {@code --debug}.
 */
final class CliLogging extends Handler {
    private static volatile boolean debug;
    private final PrintStream err;

    private CliLogging(PrintStream err) {
        this.err = err;
    }

    /** Replaces the JDK's two-line console format with ours, for this process. */
    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new CliLogging(System.err));
    }

    /** Shows DEBUG records and stack traces from now on (and tells the error handler to print traces). */
    static void enableDebug() {
        debug = true;
        System.setProperty("arraysock.debug", "true");
        Logger.getLogger("").setLevel(Level.ALL);
    }

    static boolean debug() {
        return debug || Boolean.getBoolean("arraysock.debug");
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        StringBuilder line = new StringBuilder("arraysock: ").append(levelName(r.getLevel())).append(": ").append(message(r));
        Throwable t = r.getThrown();
        if (t != null && !debug()) {
            line.append(": ").append(ExitCode.describe(t));
        }
        synchronized (err) {
            err.println(line.toString().replace('\n', ' '));
            if (t != null && debug()) {
                t.printStackTrace(err);
            }
        }
    }

    /** The message with its {0} parameters filled in, numbers without grouping separators. */
    static String message(LogRecord r) {
        String m = r.getMessage() == null ? "" : r.getMessage();
        Object[] params = r.getParameters();
        if (params == null || params.length == 0) {
            return m;
        }
        Object[] plain = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            plain[i] = params[i] instanceof Number ? String.valueOf(params[i]) : params[i];
        }
        try {
            return MessageFormat.format(m, plain);
        } catch (IllegalArgumentException bad) {
            return m;
        }
    }

    private static String levelName(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (l.intValue() >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        return l.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
