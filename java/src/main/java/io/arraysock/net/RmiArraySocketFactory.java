package io.arraysock.net;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;
import java.util.UUID;

/**
 * Java RMI over an array: pass one instance as both the client and the server socket
 * factory when exporting objects or creating a registry
 * ({@code UnicastRemoteObject.exportObject(obj, 0, f, f)},
 * {@code LocateRegistry.createRegistry(port, f, f)}, {@code LocateRegistry.getRegistry(host, port, f)}),
 * and every call, with its arguments and results, travels through the array. RMI ports
 * become array ports; hosts are ignored.
 *
 * <p>The client half travels inside stubs to other JVMs, maybe on other hosts that reach the
 * same storage by another path (one SAN LUN: /dev/sdb here, /dev/sdc there). So it carries
 * the array's identity (its UUID) as well as the exporter's path, and a receiving JVM uses
 * the array with that UUID it has attached (through {@link SharedArrays}) under whatever
 * path, falling back to the exporter's path. Equal when their arrays are equal, which lets
 * RMI reuse connections.
 */
public final class RmiArraySocketFactory implements RMIClientSocketFactory, RMIServerSocketFactory, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String arrayPath;
    /** A String, not a UUID: the RMI registry's default serial filter admits String but not java.util.UUID. */
    private final String arrayUuid;

    /** For the array on {@code arrayPath} (attached briefly to learn its identity). */
    public RmiArraySocketFactory(String arrayPath) throws IOException {
        this.arrayPath = Objects.requireNonNull(arrayPath, "arrayPath");
        try (SharedArrays.Lease lease = SharedArrays.acquire(arrayPath)) {
            this.arrayUuid = lease.array().uuid().toString();
        }
    }

    /** The array's path in this JVM: one attached here with the same UUID, else the exporter's path. */
    String localPath() {
        try (SharedArrays.Lease attached = SharedArrays.acquireAttached(UUID.fromString(arrayUuid))) {
            return attached != null ? attached.path() : arrayPath;
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new ArraySocketFactory(localPath()).createSocket(host, port);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new ArrayServerSocketFactory(localPath()).createServerSocket(port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RmiArraySocketFactory f && f.arrayUuid.equals(arrayUuid);
    }

    @Override
    public int hashCode() {
        return arrayUuid.hashCode();
    }

    @Override
    public String toString() {
        return "RmiArraySocketFactory[" + arrayPath + ", " + arrayUuid + "]";
    }
}
