package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.net.ArraySocketAddress;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * LISTEN or TARGET of {@code arraysock forward}: {@code tcp://HOST:PORT}, {@code unix:/PATH}
 * or {@code array:PATH?port=N}. Listens (the accepting side) or connects (one connection
 * to the target per accepted one).
 */
sealed interface ForwardEndpoint {
    String TCP = "tcp://";
    String UNIX = "unix:";
    String FORMS = "tcp://HOST:PORT, unix:/PATH or array:PATH?port=N";

    static ForwardEndpoint parse(String spec) {
        if (spec.startsWith(TCP)) {
            String hostPort = spec.substring(TCP.length());
            if (hostPort.startsWith("/") || hostPort.startsWith(UNIX) || hostPort.lastIndexOf(':') <= 0) {
                throw new IllegalArgumentException("not tcp://HOST:PORT: " + spec);
            }
            return new Socket(ControlAddress.parse(hostPort), spec);
        }
        if (spec.startsWith(UNIX)) {
            if (!spec.startsWith(UNIX + "/")) {
                throw new IllegalArgumentException("a Unix socket path must be absolute (unix:/PATH): " + spec);
            }
            return new Socket(ControlAddress.parse(spec), spec);
        }
        if (spec.startsWith(ArraySocketAddress.SCHEME)) {
            return new Array(ArraySocketAddress.parse(spec));
        }
        throw new IllegalArgumentException("LISTEN and TARGET are " + FORMS + ": " + spec);
    }

    /** Starts listening; a bound port 0 shows the real port in {@link ForwardListener#address()}. */
    ForwardListener listen(ArrayAttachments arrays, int backlog) throws IOException;

    /**
     * One connection to this target.
     *
     * @throws ConnectException nothing listens there (a refusal of the one connection)
     */
    Conduit connect(ArrayAttachments arrays, Duration timeout) throws IOException;

    /** The endpoint as the user wrote it. */
    String spec();

    /** A TCP or Unix-domain socket address. */
    record Socket(ControlAddress address, String spec) implements ForwardEndpoint {
        @Override
        public ForwardListener listen(ArrayAttachments arrays, int backlog) throws IOException {
            try {
                return new ChannelListener(address);
            } catch (BindException e) {
                throw new BindException(spec + ": " + e.getMessage());
            }
        }

        @Override
        public Conduit connect(ArrayAttachments arrays, Duration timeout) throws IOException {
            SocketChannel ch;
            if (address.isUnix()) {
                ch = address.connect();
            } else {
                ch = SocketChannel.open();
                try {
                    ch.socket().connect(address.address(), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
            }
            try {
                return new ChannelConduit(ch, spec);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
    }

    /** A port on an array. */
    record Array(ArraySocketAddress address) implements ForwardEndpoint {
        @Override
        public ForwardListener listen(ArrayAttachments arrays, int backlog) throws IOException {
            return new ArrayListener(arrays, address, backlog);
        }

        @Override
        public Conduit connect(ArrayAttachments arrays, Duration timeout) throws IOException {
            ArraySocket s = arrays.open(address.arrayPath());
            try {
                s.connect(address.port(), timeout);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return new ArrayConduit(s, spec() + " (node " + s.remoteNode() + ")");
        }

        @Override
        public String spec() {
            return address.toString();
        }
    }
}
