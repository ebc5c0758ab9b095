package io.arraysock.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * How the socket factories map IP-style addresses onto their array: an
 * {@link InetSocketAddress} host:port becomes port {@code portMap(port)} on the configured
 * array, whatever the host (the host is reported back, never contacted). That is what lets
 * a library that only knows host and port (RMI, JDBC drivers, HTTP clients) run over the
 * array unmodified. {@link ArraySocketAddress}es pass through.
 */
final class ArrayAddressMapping implements ArrayBackedSocket.AddressMapper {
    private final String arrayPath;
    private final IntUnaryOperator portMap;

    ArrayAddressMapping(String arrayPath, IntUnaryOperator portMap) {
        this.arrayPath = Objects.requireNonNull(arrayPath, "arrayPath");
        this.portMap = Objects.requireNonNull(portMap, "portMap");
    }

    String arrayPath() {
        return arrayPath;
    }

    @Override
    public ArraySocketAddress toArray(SocketAddress address) throws SocketException {
        if (address instanceof ArraySocketAddress a) {
            return a;
        }
        if (address instanceof InetSocketAddress ia) {
            int port = ia.getPort() == 0 ? 0 : portMap.applyAsInt(ia.getPort());
            return new ArraySocketAddress(arrayPath, port);
        }
        throw new UnsupportedAddressTypeException();
    }
}
