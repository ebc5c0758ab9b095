package io.arraysock.api;

import java.nio.ByteBuffer;

/**
 * What {@code ArraySocket.poll} hands the bytes it finds to, in place: a stream socket's
 * ready bytes (in one or two pieces, where the ring wraps), or each whole message of a
 * seqpacket socket. The buffer is read-only, its bytes between its position and its limit;
 * it is the socket's, reused for every call, and empty (limit 0) once the call returned:
 * copy what must outlive it.
 */
@FunctionalInterface
public interface ReceiveHandler {
    void onData(ByteBuffer data);
}
