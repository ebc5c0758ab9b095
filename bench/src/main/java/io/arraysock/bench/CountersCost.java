package io.arraysock.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * What the issue-17 counters cost, compared inside one JVM: the JVM-to-JVM spread of these
 * machines (a fresh JVM runs the same 64 B path at one of two speeds, 1.6x to 4x apart, and
 * keeps it: bench/results/issue-17-counters-cost.md) is larger than the cost to resolve, so
 * the two builds run side by side in one JVM and take turns.
 *
 * <p>Two class loaders load the library, child-first for {@code io.arraysock}: "on" from the
 * build as it is, "off" with {@code socket/DirectionCounters} with its adds taken out put
 * first (bench/counters-cost.sh builds it). Each loads a {@link CountersCostDriver} with an
 * shm array of its own. After a warm-up of both, windows of a fixed message count run in
 * ABBA order; each window's figure is ns per message. One line per side goes to OUT:
 * {@code SERIES side JVM median-ns-per-message ns/op}, so a JVM is one pair of
 * counters-cost.sh's summary and its on/off ratio is measured within the JVM.
 *
 * <pre>
 * CountersCost SERIES OUT JVM ON_URLS OFF_URLS [ROUNDS [WINDOW_MILLIS]]
 * </pre>
 * (URLS: class path entries joined by ':'; the app class path holds only JNA and this class.)
 */
public final class CountersCost {
    private static final String DRIVER = "io.arraysock.bench.CountersCostDriver";

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: CountersCost hot|stream OUT JVM ON_URLS OFF_URLS [ROUNDS [WINDOW_MILLIS]]");
            System.exit(2);
        }
        String series = args[0];
        Path out = Path.of(args[1]);
        String jvm = args[2];
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        long windowMillis = args.length > 6 ? Long.parseLong(args[6]) : 200;
        String pid = Long.toString(ProcessHandle.current().pid());
        try (Side on = new Side("on", args[3], series, "/dev/shm/arraysock-cc-on-" + pid);
             Side off = new Side("off", args[4], series, "/dev/shm/arraysock-cc-off-" + pid)) {
            // warm both (C2 compiles each loader's classes of its own), and size a window
            long n = 10_000;
            for (int i = 0; i < 30; i++) {
                on.window(n);
                off.window(n);
            }
            double ns = Math.min(on.window(n), off.window(n)) / n;
            long perWindow = Math.max(1_000, (long) (windowMillis * 1e6 / ns));
            on.samples.clear();
            off.samples.clear();
            for (int r = 0; r < rounds; r++) {
                Side first = r % 2 == 0 ? on : off;
                Side second = first == on ? off : on;
                first.window(perWindow);
                second.window(perWindow);
                second.window(perWindow);
                first.window(perWindow);
            }
            Thread.sleep(300); // two heartbeats: the publisher has written what each side counted
            long onTx = on.publishedTxBytes();
            long offTx = off.publishedTxBytes();
            if (offTx != 0 || onTx == 0) {
                throw new IllegalStateException("the sides are not what they claim: published tx bytes on "
                        + onTx + ", off " + offTx);
            }
            String lines = on.line(series, jvm) + off.line(series, jvm);
            Files.writeString(out, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.err.printf("counters-cost: %s JVM %s: on %.2f, off %.2f ns/message (%d windows of %d)%n",
                    series, jvm, on.median(), off.median(), on.samples.size(), perWindow);
        }
    }

    /** One build: its class loader, its driver, its windows' ns per message. */
    private static final class Side implements AutoCloseable {
        final String name;
        final URLClassLoader loader;
        final LongUnaryOperator driver;
        final List<Double> samples = new ArrayList<>();
        private long lastMessages;

        Side(String name, String urls, String series, String path) throws Exception {
            this.name = name;
            this.loader = new ChildFirst(urls);
            // JNA finds the C layer as a resource of the thread's context loader: this side's
            Thread t = Thread.currentThread();
            ClassLoader before = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                this.driver = (LongUnaryOperator) loader.loadClass(DRIVER)
                        .getConstructor(String.class, String.class).newInstance(path, series);
            } finally {
                t.setContextClassLoader(before);
            }
        }

        double window(long messages) {
            lastMessages = messages;
            double ns = driver.applyAsLong(messages);
            samples.add(ns / messages);
            return ns;
        }

        double median() {
            double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        long publishedTxBytes() throws Exception {
            return (long) driver.getClass().getMethod("publishedTxBytes").invoke(driver);
        }

        String line(String series, String jvm) {
            return String.format("i%s\t%s\t%s\t%.3f\tns/op%n", series, name, jvm, median());
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) driver).close();
            loader.close();
        }
    }

    /** Loads io.arraysock classes from its own entries first (the library twice in one JVM), the rest from the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(String urls) {
            super(toUrls(urls), CountersCost.class.getClassLoader());
        }

        private static URL[] toUrls(String urls) {
            return Arrays.stream(urls.split(":")).map(u -> {
                try {
                    return Path.of(u).toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new UncheckedIOException(new IOException(e));
                }
            }).toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.arraysock.") || name.equals(CountersCost.class.getName())
                    || name.startsWith(CountersCost.class.getName() + "$")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
