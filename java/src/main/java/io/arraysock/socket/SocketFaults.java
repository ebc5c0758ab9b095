package io.arraysock.socket;

import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumClosedException;
import io.arraysock.medium.MediumFaultException;

import java.io.IOException;
import java.net.SocketException;
import java.util.function.Consumer;

/**
 * Fault translation for one node's sockets: turns a fault that came out of the medium into
 * the typed exception a public call throws, and fences the node on the way (docs/ARCHITECTURE.md,
 * "One fault channel"). One per {@link SocketLayer}; its dependencies are explicit: the
 * medium that classifies the fault, the node that loses its slot after an I/O error, and
 * the fence of every socket of the node.
 */
final class SocketFaults {
    private final Medium medium;
    private final NodeContext node;
    private final Consumer<IOException> fenceSockets;

    SocketFaults(Medium medium, NodeContext node, Consumer<IOException> fenceSockets) {
        this.medium = medium;
        this.node = node;
        this.fenceSockets = fenceSockets;
    }

    /**
     * The exception to throw for a fault that came out of the medium: a
     * {@link MediumFaultException} (an I/O error: the storage path failed) or an
     * {@link InternalError} (a vanished page of a truncated segment). Either way the node is
     * fenced: nothing more is written, and after an I/O error its slot is lost, so peers see
     * its sockets reset within the liveness timeout. Returns a SocketException "Connection
     * reset: ..." whose cause is the typed IOException
     * ({@link io.arraysock.api.StoragePathFailedException},
     * {@link io.arraysock.medium.MediumTruncatedException}); anything else is rethrown. An
     * access that raced with the array's close ({@link MediumClosedException}) is "Socket is
     * closed", and fences nothing.
     */
    SocketException faultOf(Throwable fault) {
        IOException cause = medium.faultOf(fault);
        if (cause instanceof MediumClosedException) {
            // the call raced with the array's close, which closed this socket before the medium
            SocketException closed = new SocketException("Socket is closed");
            closed.initCause(cause);
            return closed;
        }
        try {
            if (fault instanceof MediumFaultException) {
                node.ioFailed(cause);
            }
            fenceSockets.accept(cause);
        } catch (InternalError | MediumFaultException late) {
            cause.addSuppressed(late); // one more pending fault of the same truncation or path
        }
        return resetBy(cause);
    }

    /**
     * Ends a public call: a fault of one of its accesses that the JVM has not raised yet
     * (see {@code Medium.surfaceLateFault}) fails the call now, typed, as {@link #faultOf} does.
     */
    void surfaceLateFault() throws SocketException {
        try {
            medium.surfaceLateFault();
        } catch (MediumFaultException | InternalError e) {
            // InternalError: the JVM raised the pending fault right here, at the check's first access
            throw faultOf(e);
        }
    }

    /** "Connection reset: " and {@code cause}'s message, caused by it. */
    static SocketException resetBy(IOException cause) {
        SocketException e = new SocketException("Connection reset: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
