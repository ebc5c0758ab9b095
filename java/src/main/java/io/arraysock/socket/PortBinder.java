package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.net.BindException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * Claims ports by intent-then-scan, since a shared disk offers no compare-and-swap: write
 * an intent for the port into our own control block, read every live block, and keep the
 * port only if no other block holds it or intends it. Two intents that see each other
 * both withdraw and retry after a random back-off; one that sees a holder gives up.
 * Because each side writes before it reads, at most one of two racing binders can miss
 * the other, so there is never a moment with two holders.
 */
final class PortBinder {
    static final int FIRST_EPHEMERAL = 49152;
    static final int LAST_PORT = 65535;
    private static final int EPHEMERAL_TRIES = 256;
    /** How long a contended well-known bind keeps retrying before it reports the contention. */
    private static final long CONTENDED_NANOS = 10_000_000_000L;

    private enum Outcome { BOUND, HELD, CONTENDED }

    private final ControlBlockTable table;
    private final int slot;

    PortBinder(ControlBlockTable table, int slot) {
        this.table = table;
        this.slot = slot;
    }

    /**
     * Binds block {@code index} (header {@code h}, state OPEN) to {@code port}, or to a
     * free ephemeral port when {@code port} is 0.
     *
     * @return the header as written, state BOUND
     */
    ControlBlockHeader bind(int index, ControlBlockHeader h, int port) throws BindException {
        if (port < 0 || port > LAST_PORT) {
            throw new IllegalArgumentException("port out of range 0.." + LAST_PORT + ": " + port);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (port == 0) {
            for (int i = 0; i < EPHEMERAL_TRIES; i++) {
                int candidate = FIRST_EPHEMERAL + random.nextInt(LAST_PORT - FIRST_EPHEMERAL + 1);
                Attempt a = attempt(index, h, candidate);
                h = a.header;
                if (a.outcome == Outcome.BOUND) {
                    return h;
                }
            }
            throw new BindException("no free ephemeral port in " + FIRST_EPHEMERAL + ".." + LAST_PORT
                    + " after " + EPHEMERAL_TRIES + " tries");
        }
        long deadline = System.nanoTime() + CONTENDED_NANOS;
        for (int round = 0; ; round++) {
            Attempt a = attempt(index, h, port);
            h = a.header;
            switch (a.outcome) {
                case BOUND -> {
                    return h;
                }
                case HELD -> throw new BindException("Address already in use: port " + port + " is bound on this array");
                case CONTENDED -> {
                    if (System.nanoTime() > deadline) {
                        throw new BindException("Address in contention: port " + port + " is being bound by others");
                    }
                    LockSupport.parkNanos(random.nextLong(1_000, 200_000L << Math.min(round, 5)));
                }
            }
        }
    }

    private record Attempt(Outcome outcome, ControlBlockHeader header) {
    }

    private Attempt attempt(int index, ControlBlockHeader h, int port) {
        ControlBlockHeader intent = table.write(index, h.withPort(STATE_BIND_INTENT, port, h.flags() & ~FLAG_HOLDS_PORT));
        table.fullFence();
        Outcome[] seen = {Outcome.BOUND};
        table.scan((s, i, other) -> {
            if ((s == slot && i == index) || other.localPort() != port) {
                return;
            }
            if (other.holdsPort()) {
                seen[0] = Outcome.HELD;
            } else if (other.state() == STATE_BIND_INTENT && seen[0] == Outcome.BOUND) {
                seen[0] = Outcome.CONTENDED;
            }
        });
        if (seen[0] != Outcome.BOUND) {
            return new Attempt(seen[0], table.write(index, intent.withPort(STATE_OPEN, 0, intent.flags())));
        }
        return new Attempt(Outcome.BOUND, table.write(index, intent.withPort(STATE_BOUND, port, intent.flags() | FLAG_HOLDS_PORT)));
    }
}
