package io.arraysock.cli;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A TCP or Unix-domain socket as one side of a forward. Blocking mode: a read waits in the
 * kernel, a write waits for the peer to take bytes. An abort of a TCP socket sets SO_LINGER
 * to 0 first, so its peer gets a RST, not a clean end.
 */
final class ChannelConduit implements Conduit {
    private final SocketChannel channel;
    private final String description;

    ChannelConduit(SocketChannel channel, String description) throws IOException {
        this.channel = channel;
        this.description = description;
        if (isTcp()) {
            // request/response protocols (Redis, PostgreSQL) wait for every small answer
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    private boolean isTcp() {
        return channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void abort() {
        if (isTcp() && channel.isOpen()) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException closedMeanwhile) {
                // the other direction closed it first: nothing left to reset
            }
        }
        close();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // a close that fails has closed the descriptor all the same
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
