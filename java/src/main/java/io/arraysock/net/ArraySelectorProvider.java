package io.arraysock.net;

import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The {@link SelectorProvider} of array channels: its selectors hold {@link ArraySocketChannel}s
 * and {@link ArrayServerSocketChannel}s (a JDK selector cannot: a foreign channel is an
 * {@link java.nio.channels.IllegalSelectorException} there, and an array channel in one of
 * these selectors is the same), and it opens such channels, unbound until an
 * {@link ArraySocketAddress} is bound or connected to.
 *
 * <pre>{@code
 * SelectorProvider p = ArraySelectorProvider.instance();
 * try (Selector selector = p.openSelector();
 *      ServerSocketChannel server = p.openServerSocketChannel()) {
 *     server.bind(ArraySocketAddress.parse("array:/dev/shm/a?port=7000"));
 *     server.configureBlocking(false).register(selector, SelectionKey.OP_ACCEPT);
 *     ...
 * }
 * }</pre>
 *
 * Datagram channels and pipes are not provided (the array carries streams and messages of
 * connected sockets only); {@link #inheritedChannel()} is null.
 */
public final class ArraySelectorProvider extends SelectorProvider {
    private static final ArraySelectorProvider INSTANCE = new ArraySelectorProvider();

    private ArraySelectorProvider() {
    }

    /** The one provider; every array channel's {@code provider()}. */
    public static ArraySelectorProvider instance() {
        return INSTANCE;
    }

    @Override
    public AbstractSelector openSelector() {
        return new ArraySelector(this);
    }

    @Override
    public ArraySocketChannel openSocketChannel() {
        return new ArraySocketChannel(this);
    }

    @Override
    public ArrayServerSocketChannel openServerSocketChannel() {
        return new ArrayServerSocketChannel(this);
    }

    /** Unsupported: the array has no datagrams. */
    @Override
    public DatagramChannel openDatagramChannel() {
        throw new UnsupportedOperationException("the array has no datagram channels");
    }

    /** Unsupported: the array has no datagrams. */
    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) {
        throw new UnsupportedOperationException("the array has no datagram channels");
    }

    /** Unsupported: a pipe within a JVM needs no array. */
    @Override
    public Pipe openPipe() {
        throw new UnsupportedOperationException("the array has no pipes; use the JDK's");
    }

    @Override
    public String toString() {
        return "ArraySelectorProvider";
    }
}
