package io.arraysock;

import io.arraysock.api.ClaimStateException;
import io.arraysock.socket.SendPath;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A zero-copy send in progress ({@link ArraySocket#tryClaim}, {@link ArraySocket#claim}): the
 * bytes claimed, to be written in {@link #buffer()}, then {@link #commit() committed} (sent) or
 * {@link #abort() aborted}. One object serves claim after claim, on any socket, so a sender
 * allocates nothing per message:
 *
 * <pre>{@code
 * SendClaim claim = new SendClaim();
 * while (...) {
 *     if (socket.tryClaim(64, claim)) {
 *         ByteBuffer b = claim.buffer();
 *         b.putLong(b.position(), sequence);   // absolute puts from position(), or relative ones
 *         ...
 *         claim.commit();
 *     }
 * }
 * }</pre>
 *
 * <p>On shm the buffer is the ring itself, where its bytes lie in one piece: the commit is
 * one store of the tail. Where they would wrap at the ring's end, and on a chunked ring
 * (the block medium, payload checksums, encryption), it is a staging buffer of the socket's
 * that the commit sends by the copy path (docs/PROTOCOL.md, "Zero-copy calls"). The buffer
 * is the socket's, reused for every claim: write only between its position and its limit,
 * and not after the commit or abort, which empty it (limit 0). Not for several threads; the
 * sender's thread owns it while it is open, and the socket sends nothing else meanwhile.
 */
public final class SendClaim {
    private ArraySocket socket;
    private SendPath path;
    private ByteBuffer buffer;
    private int length;

    /** A claim object with nothing claimed. */
    public SendClaim() {
    }

    /** Whether bytes are claimed and neither committed nor aborted yet. */
    public boolean isOpen() {
        return socket != null;
    }

    /**
     * Where to write the claimed bytes: from its position ({@link #length()} of them) to its
     * limit. A view of the ring's memory (or a staging buffer), little-endian.
     *
     * @throws ClaimStateException nothing is claimed
     */
    public ByteBuffer buffer() {
        requireOpen("buffer");
        return buffer;
    }

    /** The bytes claimed (a message's length on a seqpacket socket). */
    public int length() {
        requireOpen("length");
        return length;
    }

    /**
     * Sends the claimed bytes (a seqpacket socket: as one message). The claim is over
     * whatever happens; a failure throws what the send would have thrown.
     *
     * @throws ClaimStateException nothing is claimed (committed or aborted already)
     * @throws java.net.SocketException as a send: the socket was closed, its output shut, the
     *     connection reset, a broken pipe
     */
    public void commit() throws IOException {
        requireOpen("commit");
        ArraySocket s = socket;
        socket = null;
        s.commit(this);
    }

    /**
     * Gives the claimed bytes up: nothing is sent, and the socket may claim or send again.
     * Touches nothing shared; works on a closed socket too.
     *
     * @throws ClaimStateException nothing is claimed (committed or aborted already)
     */
    public void abort() {
        requireOpen("abort");
        socket = null;
        path.abort();
    }

    /** Claims on {@code path} for {@code owner}: 1 when claimed, 0 when there is no room now. */
    long open(ArraySocket owner, SendPath path, int length, boolean blocking) throws IOException {
        if (socket != null) {
            throw new ClaimStateException("this SendClaim is open: commit or abort it first");
        }
        ByteBuffer b = path.claim(length, blocking);
        if (b == null) {
            return 0;
        }
        this.socket = owner;
        this.path = path;
        this.buffer = b;
        this.length = length;
        return 1;
    }

    private void requireOpen(String call) {
        if (socket == null) {
            throw new ClaimStateException(call + ": nothing is claimed (committed or aborted already?)");
        }
    }

    @Override
    public String toString() {
        return socket == null ? "SendClaim[none]" : "SendClaim[" + length + " bytes on " + socket + "]";
    }
}
