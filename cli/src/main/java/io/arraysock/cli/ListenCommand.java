package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code arraysock listen}: netcat's {@code -l}, over the array. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Waits for one connection on PORT, then copies stdin to it and it to stdout (like nc -l).",
                "PORT 0 picks a free port and prints it on stderr."})
final class ListenCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Parameters(index = "1", paramLabel = "PORT", description = "the array port to listen on (not a TCP port); 0 picks one")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = SecondsConverter.class, description = "give up when nobody connects in time (default: wait forever)")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.bind(port);
            listener.listen(1);
            if (port == 0) {
                System.err.println("listening on port " + listener.localPort());
            }
            try (ArraySocket s = timeoutSeconds > 0 ? listener.accept(Duration.ofSeconds(timeoutSeconds)) : listener.accept()) {
                listener.close();
                Netcat.run(s, System.in, System.out);
            }
        }
        return ExitCode.OK;
    }
}
