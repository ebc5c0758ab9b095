package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.Geometry;

import static io.arraysock.format.ControlBlockDescriptor.FLAG_CHECKSUMMED;
import static io.arraysock.format.ControlBlockDescriptor.FLAG_ENCRYPTED;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_AUTHENTICATION;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_BACKLOG_FULL;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_BAD_REQUEST;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_CHECKSUM_MISMATCH;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_ENCRYPTION_MISMATCH;
import static io.arraysock.format.ControlBlockDescriptor.REFUSED_TYPE_MISMATCH;

/**
 * A listener's judgment of one connect request, for the {@link Acceptor}: whether the
 * request meets the listener's terms, and if not which refusal it gets. The request is
 * the client's block, read from the medium and untrusted: its ring must lie in the
 * client's arena, its type be the listener's, its proof (a listener with a key) verify,
 * its encryption match and its payload checksums be on where the listener asks for them;
 * then the listener's backlog must have room. Also the connection's chunk key, for an
 * accepted request to an encrypting listener ({@link ConnectProof}).
 */
final class RequestAdmission {
    private RequestAdmission() {
    }

    /**
     * Why {@code listener} refuses the request in block {@code slot}/{@code index},
     * {@code request} its header ({@code REFUSED_*}), or 0 when it takes it.
     */
    static int refusal(SocketCore listener, int slot, int index, ControlBlockHeader request, Geometry geometry) {
        ControlBlockHeader terms = listener.header();
        if (!request.ringFits(geometry, slot)) {
            return REFUSED_BAD_REQUEST;
        } else if (request.type() != listener.typeCode()) {
            return REFUSED_TYPE_MISMATCH;
        } else if (!authentic(listener, slot, index, request)) {
            return REFUSED_AUTHENTICATION;
        } else if (terms.hasFlag(FLAG_ENCRYPTED) != request.hasFlag(FLAG_ENCRYPTED)) {
            return REFUSED_ENCRYPTION_MISMATCH;
        } else if (terms.hasFlag(FLAG_CHECKSUMMED) && !request.hasFlag(FLAG_CHECKSUMMED)) {
            return REFUSED_CHECKSUM_MISMATCH;
        } else if (!listener.server().hasBacklogRoom()) {
            return REFUSED_BACKLOG_FULL;
        }
        return 0;
    }

    /** A listener without a key takes anyone; one with a key takes only a client that proves it. */
    private static boolean authentic(SocketCore listener, int slot, int index, ControlBlockHeader request) {
        byte[] key = listener.options().authKey();
        if (key == null) {
            return true;
        }
        return ConnectProof.verify(key, listener.header().nonce(), listenerIdentity(listener),
                clientIdentity(slot, index, request), request.nonce(), request.authTag());
    }

    /** The connection's chunk key if the listener encrypts (and so has a key), else null. */
    static byte[] chunkKey(SocketCore listener, int slot, int index, ControlBlockHeader request) {
        ControlBlockHeader l = listener.header();
        return l.hasFlag(FLAG_ENCRYPTED)
                ? ConnectProof.chunkKey(listener.options().authKey(), l.nonce(), listenerIdentity(listener),
                        clientIdentity(slot, index, request), request.nonce())
                : null;
    }

    private static ConnectProof.Identity listenerIdentity(SocketCore listener) {
        ControlBlockHeader l = listener.header();
        return new ConnectProof.Identity(listener.localNode(), listener.index, l.generation(), l.ownerIncarnation());
    }

    private static ConnectProof.Identity clientIdentity(int slot, int index, ControlBlockHeader request) {
        return new ConnectProof.Identity(slot, index, request.generation(), request.ownerIncarnation());
    }
}
