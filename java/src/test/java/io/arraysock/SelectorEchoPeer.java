package io.arraysock;

import io.arraysock.net.ArraySelectorProvider;
import io.arraysock.net.ArraySocketAddress;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child of {@link CrossProcessSelectorTest}: an echo server on one thread and one selector
 * of {@link ArraySelectorProvider}. It accepts without blocking, echoes what each
 * connection sends (reading only while its echo buffer has room, writing when the ring
 * has room), and answers a connection's end of stream by ending its own output once the
 * echo is out, then closes it. Prints {@code LISTENING port}; a line {@code EXIT} on stdin
 * (read by another thread, which wakes the selector) ends it with {@code SERVED n} (the
 * connections that ended cleanly), then {@code DONE}.
 *
 * <p>Arguments: the array path, the port.
 */
public final class SelectorEchoPeer {
    /** The rings' size, both ways. */
    static final int RING = 256 * 1024;

    private SelectorEchoPeer() {
    }

    /** One connection's echo: what was read and not yet written back, and whether its input ended. */
    private static final class Echo {
        final ByteBuffer buf = ByteBuffer.allocateDirect(32 * 1024);
        boolean ended;
    }

    public static void main(String[] args) {
        try {
            SelectorProvider provider = ArraySelectorProvider.instance();
            try (Selector selector = provider.openSelector();
                 ServerSocketChannel server = provider.openServerSocketChannel()) {
                // rings of 256 KiB each way (16 MiB arenas hold the block medium's 4 MiB default a few times only)
                server.setOption(StandardSocketOptions.SO_RCVBUF, RING);
                server.bind(new ArraySocketAddress(args[0], Integer.parseInt(args[1])), 64);
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
                AtomicBoolean exiting = new AtomicBoolean();
                Thread exit = new Thread(() -> {
                    try {
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    } catch (Exception ignored) {
                        // the parent went away: exit all the same
                    }
                    exiting.set(true);
                    selector.wakeup();
                }, "stdin");
                exit.setDaemon(true);
                exit.start();
                Peer.say("LISTENING " + ((ArraySocketAddress) server.getLocalAddress()).port());
                int served = 0;
                while (!exiting.get()) {
                    selector.select();
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (k.isAcceptable()) {
                            for (SocketChannel c; (c = server.accept()) != null; ) {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ, new Echo());
                            }
                        } else {
                            served += serve(k);
                        }
                    }
                }
                Peer.say("SERVED " + served);
            }
            Peer.say("DONE");
        } catch (Throwable t) {
            Peer.say("ERROR " + t.getClass().getName() + " " + t.getMessage());
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** One ready connection; 1 when it ended cleanly now (closed). */
    private static int serve(SelectionKey k) throws Exception {
        SocketChannel c = (SocketChannel) k.channel();
        Echo e = (Echo) k.attachment();
        if (k.isReadable() && c.read(e.buf) < 0) {
            e.ended = true;
        }
        e.buf.flip();
        c.write(e.buf);
        e.buf.compact();
        boolean pending = e.buf.position() > 0;
        if (e.ended && !pending) {
            c.shutdownOutput();
            c.close();
            return 1;
        }
        int ops = (pending ? SelectionKey.OP_WRITE : 0) | (!e.ended && e.buf.hasRemaining() ? SelectionKey.OP_READ : 0);
        k.interestOps(ops);
        return 0;
    }
}
