package io.arraysock.socket;

import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.ErrorLogDescriptor;
import io.arraysock.format.NodeCountersDescriptor;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a node counted of its connections' lives (docs/FORMAT.md, "Node counters"):
 * connects, accepts, refusals by reason, resets and why. Rare events from any thread, so
 * atomic adds; the {@link CounterPublisher} copies them to the node record. Internal: the
 * facade and the socket layer count, {@code status} and JMX read.
 */
public final class NodeCounters {
    /** Indexes into {@link #snapshot()}, in the order of the node record's counters. */
    public static final int CONNECTS = 0;
    public static final int CONNECT_FAILURES = 1;
    public static final int ACCEPTS = 2;
    /** The first of {@link NodeCountersDescriptor#REFUSAL_REASONS} refusal counters (reason 1). */
    public static final int REFUSALS = 3;
    public static final int RESETS = REFUSALS + NodeCountersDescriptor.REFUSAL_REASONS;
    public static final int DAMAGED_CHUNKS = RESETS + 1;
    public static final int AUTHENTICATION_FAILURES = DAMAGED_CHUNKS + 1;
    public static final int NODES_SEEN_DEAD = AUTHENTICATION_FAILURES + 1;
    /** How many counters (the publish count is the publisher's, not one of these). */
    public static final int COUNT = NODES_SEEN_DEAD + 1;

    private final AtomicLongArray values = new AtomicLongArray(COUNT);
    private final ErrorLog errors = new ErrorLog();

    /** The node's distinct errors, logged where they are counted (published with the counters). */
    public ErrorLog errors() {
        return errors;
    }

    public void connected() {
        values.incrementAndGet(CONNECTS);
    }

    /** A connect failed with {@code e} (refused, nothing listening, timed out). */
    public void connectFailed(java.io.IOException e) {
        if (e instanceof ConnectException || e instanceof SocketTimeoutException) {
            values.incrementAndGet(CONNECT_FAILURES);
            boolean auth = String.valueOf(e.getMessage()).contains("authentication failed");
            if (auth) {
                values.incrementAndGet(AUTHENTICATION_FAILURES);
            }
            errors.add(auth ? ErrorLogDescriptor.KIND_AUTHENTICATION : ErrorLogDescriptor.KIND_CONNECT, e);
        }
    }

    public void accepted() {
        values.incrementAndGet(ACCEPTS);
    }

    /** One of our listeners refused a connect request for {@code reason} ({@code REFUSED_*}); others are ignored. */
    void refused(int reason) {
        if (reason >= 1 && reason <= NodeCountersDescriptor.REFUSAL_REASONS) {
            values.incrementAndGet(REFUSALS + reason - 1);
            errors.add(reason == ControlBlockDescriptor.REFUSED_AUTHENTICATION ? ErrorLogDescriptor.KIND_AUTHENTICATION
                    : ErrorLogDescriptor.KIND_REFUSED, "a listener refused a connect request: " + REFUSAL_NAMES[reason - 1]);
        }
    }

    /**
     * A connection of ours was reset with {@code e} (the caller counts each connection once):
     * also counted as a damaged chunk or an authentication failure when that was why.
     */
    public void reset(SocketException e) {
        values.incrementAndGet(RESETS);
        String m = String.valueOf(e.getMessage());
        int kind = ErrorLogDescriptor.KIND_RESET;
        if (m.contains("payload checksum mismatch")) {
            values.incrementAndGet(DAMAGED_CHUNKS);
            kind = ErrorLogDescriptor.KIND_CHECKSUM;
        } else if (m.contains("payload authentication failed")) {
            values.incrementAndGet(AUTHENTICATION_FAILURES);
            kind = ErrorLogDescriptor.KIND_AUTHENTICATION;
        }
        errors.add(kind, e);
    }

    /** Whether {@code e} says the connection was reset (what {@link #reset} counts). */
    public static boolean isReset(SocketException e) {
        String m = e.getMessage();
        return m != null && m.startsWith("Connection reset");
    }

    /** Another node that was ACTIVE, described by {@code who}, is now judged dead. */
    public void nodeSeenDead(String who) {
        values.incrementAndGet(NODES_SEEN_DEAD);
        errors.add(ErrorLogDescriptor.KIND_NODE_DEAD, "judged dead: " + who);
    }

    private static final String[] REFUSAL_NAMES = {"backlog full", "authentication failed (wrong pre-shared key)",
            "socket types differ", "malformed request", "no resources", "encryption differs"};

    /** Every counter now, indexed as above. */
    public long[] snapshot() {
        long[] out = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
