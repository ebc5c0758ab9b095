package io.arraysock.cli;

import io.arraysock.ArraySocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The second connection of a backup session: each side writes its problems as lines
 * ({@code SKIP path: reason}, {@code FAIL path: reason}) while data flows on the first,
 * and reads the other side's lines on a thread of its own, so errors never wait behind data.
 */
final class ErrorChannel implements AutoCloseable {
    private final ArraySocket socket;
    private final OutputStream out;
    private final List<String> received = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private final Thread reader;
    private volatile IOException readFailure;

    ErrorChannel(ArraySocket socket, Consumer<String> onLine) {
        this.socket = socket;
        this.out = ArrayStreams.out(socket);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ArrayStreams.in(socket), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (received) {
                        received.add(line);
                    }
                    onLine.accept(line);
                }
            } catch (IOException e) {
                readFailure = e;
            } catch (InternalError memoryFault) {
                readFailure = MediumFaults.explain(null, memoryFault);
            }
        }, "error-channel");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends one report to the peer (one line: newlines in it are flattened). */
    synchronized void report(String line) throws IOException {
        String flat = line.replace('\n', ' ').replace('\r', ' ');
        sent.add(flat);
        out.write((flat + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** No more reports from this side. */
    synchronized void finishSending() throws IOException {
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    /** Waits until the peer has finished its reports (its end of stream) and returns them. */
    List<String> awaitPeer(long timeoutSeconds) throws IOException, InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        if (reader.isAlive()) {
            throw new CliException(ExitCode.TIMEOUT, "the peer did not finish its error channel in " + timeoutSeconds + " s");
        }
        if (readFailure != null) {
            throw readFailure;
        }
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        socket.close();
    }
}
