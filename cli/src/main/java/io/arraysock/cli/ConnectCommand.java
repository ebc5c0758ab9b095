package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code arraysock connect}: netcat's client side, over the array. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connects to PORT, then copies stdin to it and it to stdout (like nc).")
final class ConnectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Parameters(index = "1", paramLabel = "PORT")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "connect timeout (default ${DEFAULT-VALUE})")
    long timeoutSeconds = 10;

    @Override
    public Integer call() throws Exception {
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.connect(port, Duration.ofSeconds(timeoutSeconds));
            Netcat.run(s, System.in, System.out);
        }
        return ExitCode.OK;
    }
}
