package io.arraysock.net;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.IntUnaryOperator;

/**
 * A {@link SocketFactory} whose sockets ({@link ArrayBackedSocket}) travel through one
 * array: hand it to any library that takes a socket factory and its connections move to
 * the array with no code change. A host:port the library asks for becomes that port (or
 * {@code portMap(port)}) on the array; the host is never contacted. Local addresses are
 * ignored, local ports honoured.
 *
 * <pre>{@code
 * SocketFactory f = new ArraySocketFactory("/dev/shm/backup");
 * Socket s = f.createSocket("127.0.0.1", 7000);   // array port 7000, not TCP
 * }</pre>
 */
public final class ArraySocketFactory extends SocketFactory {
    private final ArrayAddressMapping mapping;

    /** Host:port maps to the same port on the array at {@code arrayPath}. */
    public ArraySocketFactory(String arrayPath) {
        this(arrayPath, IntUnaryOperator.identity());
    }

    /** Host:port maps to port {@code portMap(port)} on the array at {@code arrayPath}. */
    public ArraySocketFactory(String arrayPath, IntUnaryOperator portMap) {
        this.mapping = new ArrayAddressMapping(arrayPath, portMap);
    }

    public String arrayPath() {
        return mapping.arrayPath();
    }

    /** An unconnected socket: connect it with an {@link ArraySocketAddress} or an {@link InetSocketAddress}. */
    @Override
    public Socket createSocket() {
        return new ArrayBackedSocket(mapping);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connect(InetSocketAddress.createUnresolved(host == null ? "localhost" : host, port), 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connect(InetSocketAddress.createUnresolved(host == null ? "localhost" : host, port), localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connect(new InetSocketAddress(address, port), localPort);
    }

    /** Connects to {@code remote} on the array. */
    public ArrayBackedSocket createSocket(ArraySocketAddress remote) throws IOException {
        ArrayBackedSocket s = new ArrayBackedSocket(mapping);
        s.connect(remote);
        return s;
    }

    private Socket connect(InetSocketAddress remote, int localPort) throws IOException {
        ArrayBackedSocket s = new ArrayBackedSocket(mapping);
        if (localPort != 0) {
            s.bind(new InetSocketAddress(localPort));
        }
        s.connect(remote);
        return s;
    }

    @Override
    public String toString() {
        return "ArraySocketFactory[" + mapping.arrayPath() + "]";
    }
}
