package io.arraysock.cli;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * netcat's loop over a connected socket: stdin into the socket (end of stdin shuts the
 * output down), the socket onto stdout. With stdin from a pipe or file it ends when both
 * directions have ended (half-close: a peer that stopped sending may still be reading);
 * with stdin on a terminal it ends when the peer ends, as an interactive nc does.
 */
final class Netcat {
    private static final int CHUNK = 64 * 1024;

    private Netcat() {
    }

    static void run(ArraySocket s, InputStream stdin, OutputStream stdout) throws IOException {
        run(s, stdin, stdout, System.console() == null);
    }

    static void run(ArraySocket s, InputStream stdin, OutputStream stdout, boolean drainStdin) throws IOException {
        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        Thread up = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                for (int n; (n = stdin.read(buf)) >= 0; ) {
                    if (n > 0) {
                        s.send(buf, 0, n);
                    }
                }
                s.shutdownOutput();
            } catch (IOException e) {
                if (!s.isClosed()) {
                    sendFailure.set(e);
                }
            } catch (InternalError memoryFault) {
                // the JVM may deliver a mapping's fault at any later access of this thread,
                // outside the library's calls: the command's thread types and reports it
                sendFailure.set(memoryFault);
            }
        }, "netcat-stdin");
        up.setDaemon(true);
        up.start();
        byte[] buf = new byte[CHUNK];
        for (int n; (n = s.receive(buf, 0, buf.length)) >= 0; ) {
            stdout.write(buf, 0, n);
            stdout.flush();
        }
        stdout.flush();
        if (drainStdin) {
            try {
                up.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable e = sendFailure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof InternalError memoryFault) {
            throw memoryFault;
        }
    }
}
