package io.arraysock.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A byte count on its way: a progress bar on stderr when stderr is a terminal (nothing
 * otherwise, so logs stay clean), and the throughput line at the end.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long done;

    Progress(String task, long total) {
        this.bar = stderrIsTerminal() ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total > 0 ? total : -1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit("MiB", 1 << 20).showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build() : null;
    }

    void add(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    long done() {
        return done;
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** "200.0 MiB in 0.41 s (487.3 MiB/s)". */
    String summary() {
        double s = Math.max(seconds(), 1e-9);
        return String.format(Locale.ROOT, "%s in %.2f s (%.1f MiB/s)", SizeConverter.human(done), s, done / s / (1 << 20));
    }

    void report(PrintStream out, String verb) {
        out.println(verb + " " + summary());
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** Linux: whether fd 2 is a tty or pty; System.console() looks at stdin/stdout instead. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }
}
