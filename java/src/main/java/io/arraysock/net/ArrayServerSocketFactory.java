package io.arraysock.net;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntUnaryOperator;

/**
 * A {@link ServerSocketFactory} whose server sockets ({@link ArrayBackedServerSocket})
 * listen on an array: a server asking for TCP port N listens on array port N (or
 * {@code portMap(N)}); port 0 takes a free ephemeral array port, which
 * {@link ServerSocket#getLocalPort()} reports. The bind address is ignored: the array is
 * reachable by every node attached to it, and by nothing else.
 */
public final class ArrayServerSocketFactory extends ServerSocketFactory {
    private final ArrayAddressMapping mapping;

    public ArrayServerSocketFactory(String arrayPath) {
        this(arrayPath, IntUnaryOperator.identity());
    }

    public ArrayServerSocketFactory(String arrayPath, IntUnaryOperator portMap) {
        this.mapping = new ArrayAddressMapping(arrayPath, portMap);
    }

    public String arrayPath() {
        return mapping.arrayPath();
    }

    /** An unbound server socket: bind it with an {@link ArraySocketAddress} or an {@link InetSocketAddress}. */
    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new ArrayBackedServerSocket(mapping);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        ArrayBackedServerSocket s = new ArrayBackedServerSocket(mapping);
        try {
            s.bind(new InetSocketAddress(port), backlog);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Listens on {@code local} (port 0: any free port). */
    public ArrayBackedServerSocket createServerSocket(ArraySocketAddress local, int backlog) throws IOException {
        ArrayBackedServerSocket s = new ArrayBackedServerSocket(mapping);
        try {
            s.bind(local, backlog);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @Override
    public String toString() {
        return "ArrayServerSocketFactory[" + mapping.arrayPath() + "]";
    }
}
