package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

/** {@code arraysock connect}: netcat's client side, over the array. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connects to PORT, then copies stdin to it and it to stdout (like nc).")
final class ConnectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Parameters(index = "1", paramLabel = "PORT", description = "the array port a listener waits on (not a TCP port)")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = SecondsConverter.class, description = "connect timeout (default ${DEFAULT-VALUE})")
    long timeoutSeconds = 10;

    @Option(names = "--retry-for", paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "while nothing listens on PORT yet, try again for this long (default 0: refused at once); "
                    + "for a listen started in the same breath")
    long retrySeconds;

    /** Between tries of a refused connect: short, since a listener that is starting is nearly there. */
    private static final long RETRY_PAUSE_MS = 100;

    @Override
    public Integer call() throws Exception {
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket s = connect(array)) {
            Netcat.run(s, System.in, System.out);
        }
        return ExitCode.OK;
    }

    /** A connected socket; a refusal (nothing listens) is tried again until --retry-for has passed. */
    private ArraySocket connect(StorageArray array) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(retrySeconds);
        while (true) {
            ArraySocket s = array.openSocket(SocketType.STREAM);
            try {
                s.connect(port, Duration.ofSeconds(timeoutSeconds));
                return s;
            } catch (ConnectException refused) {
                s.close();
                if (System.nanoTime() - deadline >= 0) {
                    throw refused;
                }
                Thread.sleep(RETRY_PAUSE_MS);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }
}
