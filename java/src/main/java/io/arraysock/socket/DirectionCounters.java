package io.arraysock.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one direction of a connection counted: bytes, messages (seqpacket messages; on a
 * stream, calls that moved at least one byte) and waits (calls that found the ring full,
 * sending, or empty, receiving). Written by that direction's thread alone with plain adds,
 * one per call: no fence, no allocation; and wake-ups received (sleeps of this direction that
 * the peer's wake ended, counted by the sleeping thread in {@link RingEnd#sleep}). Read by other threads (the counter publisher, JMX)
 * with opaque loads: a value may be a call behind, never torn. Padded on both sides so that
 * the adds never pull a line another thread writes (see {@link RingEndPadding}).
 */
final class DirectionCounters extends DirectionCountersFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q10, q11, q12, q13, q14, q15, q16, q17;

    private static final VarHandle BYTES;
    private static final VarHandle MESSAGES;
    private static final VarHandle WAITS;
    private static final VarHandle WAKES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BYTES = l.findVarHandle(DirectionCountersFields.class, "bytes", long.class);
            MESSAGES = l.findVarHandle(DirectionCountersFields.class, "messages", long.class);
            WAITS = l.findVarHandle(DirectionCountersFields.class, "waits", long.class);
            WAKES = l.findVarHandle(DirectionCountersFields.class, "wakes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A stream call that moved {@code n} bytes (n may be 0 or -1: nothing counted but the call's wait). */
    int moved(int n) {
        if (n > 0) {
            bytes += n;
            messages++;
        }
        return n;
    }

    /** A gathering stream call that moved {@code n} bytes (one call, however many buffers). */
    long moved(long n) {
        if (n > 0) {
            bytes += n;
            messages++;
        }
        return n;
    }

    /** One whole message of {@code length} bytes. */
    long message(long length) {
        bytes += length;
        messages++;
        return length;
    }

    /** The call found the ring full (sending) or empty (receiving). */
    void waited() {
        waits++;
    }

    /** A sleep of this direction ended because the peer woke it (not a timeout, not spurious). */
    void woken() {
        wakes++;
    }

    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    long messages() {
        return (long) MESSAGES.getOpaque(this);
    }

    long waits() {
        return (long) WAITS.getOpaque(this);
    }

    long wakes() {
        return (long) WAKES.getOpaque(this);
    }
}

