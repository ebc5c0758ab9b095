package io.arraysock.socket;

import io.arraysock.format.NodeCountersDescriptor;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.medium.Medium;

import io.arraysock.medium.MediumFaultException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.SocketCountersDescriptor.*;

/**
 * Copies what the sockets and the node counted to the medium (docs/FORMAT.md, "Socket
 * counters" and "Node counters"), on a daemon thread of its own, one round per heartbeat
 * interval, so the data path only adds to fields of its own. Not on the heartbeat thread:
 * on the block medium a counter write waits for the partition's shadow lock, which 64
 * streaming writer threads kept busy long enough to delay the beat past the liveness
 * timeout (CrossProcessSocketTest, 64 connections on the loop pair). Only counters that changed since the last publish are written. On
 * shared memory every beat, with plain release stores (a line nobody else writes); where a
 * write is a sector write (block), each changed socket at most once every
 * {@link #BLOCK_CADENCE_NANOS}, and at most {@link #BLOCK_SOCKETS_PER_BEAT} sockets per beat
 * (the rest of a cycle's on its next beats), each one
 * sector write of its 128-byte area from the partition's shadow: a beat is never held up
 * by thousands of writes. The block is ours alone (the one-writer rule holds); each line
 * carries the block's generation, so a publish that raced with the block's release and
 * reuse is not taken for the new socket's.
 */
public final class CounterPublisher {
    private static final System.Logger LOG = System.getLogger(CounterPublisher.class.getName());
    static final long BLOCK_CADENCE_NANOS = 1_000_000_000L;
    static final int BLOCK_SOCKETS_PER_BEAT = 32;

    private static final int[] LINE_FIELDS = {LINE_BYTES, LINE_MESSAGES, LINE_WAITS, LINE_WAKES};
    /** Counters per line ({@link #LINE_FIELDS}); then, in a published array, the publishes and the generation. */
    private static final int FIELDS = LINE_FIELDS.length;
    private static final int PUBLISHES = 2 * FIELDS;
    private static final int GENERATION = PUBLISHES + 1;

    private final SocketLayer layer;
    private final Medium medium;
    private final boolean sectorWrites;
    private final long everyBeats;
    /** What was last published per socket: tx bytes, messages, waits, wakes, the same for rx, publishes, generation. */
    private Map<SocketCore, long[]> published = new HashMap<>();
    /** Sockets whose counters changed, not yet published this cycle (the block medium's cap spreads them over beats). */
    private final Set<SocketCore> due = new LinkedHashSet<>();
    private static final long[] NEVER = new long[GENERATION + 1];
    private final long[] nodePublished = new long[NodeCounters.COUNT];
    private long nodePublishes;
    private final ByteBuffer area = ByteBuffer.allocate(AREA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer nodeArea = ByteBuffer.allocate(NodeCountersDescriptor.AREA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

    private final long beatNanos;
    private final Thread thread;
    private volatile boolean stopped;

    private final ErrorLogWriter errorLog;

    /**
     * @param beatNanos the heartbeat interval: a round per interval; the block cadence is a whole number of them
     * @param arrayTag  the superblock uuid's high half, which the error log's entries carry
     */
    public CounterPublisher(SocketLayer layer, long beatNanos, String name, long arrayTag) {
        this.layer = layer;
        this.medium = layer.medium;
        this.sectorWrites = layer.ringPolicy.chunked();
        this.beatNanos = Math.max(1, beatNanos);
        this.everyBeats = sectorWrites ? Math.max(1, BLOCK_CADENCE_NANOS / this.beatNanos) : 1;
        this.errorLog = new ErrorLogWriter(layer.node.counters().errors(), layer, arrayTag);
        layer.blocks.errorLogWriter = errorLog;
        this.thread = new Thread(this::run, "arraysock-counters-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Stops publishing; with {@code wait}, until the thread is gone (no write follows). */
    public void stop(boolean wait) {
        stopped = true;
        LockSupport.unpark(thread);
        while (wait && thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        long tick = 0;
        while (!stopped) {
            LockSupport.parkNanos(beatNanos);
            if (stopped) {
                return;
            }
            try {
                onHeartbeat(++tick);
            } catch (InternalError | MediumFaultException e) {
                layer.node.ioFailed(medium.faultOf(e)); // what we last wrote is unknown: the node stops
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "publishing the counters of " + medium.path() + " failed", e);
            }
        }
    }

    /** Round {@code tick}: publishes what changed, if this round is one of the cadence. */
    void onHeartbeat(long tick) {
        boolean cycle = tick % everyBeats == 0;
        if (!cycle && due.isEmpty()) {
            return;
        }
        try {
            layer.node.checkAttached();
        } catch (IOException lostOrClosed) {
            return; // not a byte more to the medium
        }
        if (cycle) {
            publishNode();
            errorLog.publish();
            collectChanged();
        }
        publishDue();
    }

    /** Adds every socket whose counters changed since its last publish to {@link #due}; forgets released ones. */
    private void collectChanged() {
        Map<SocketCore, long[]> next = new HashMap<>();
        for (SocketCore s : layer.openSockets()) {
            DirectionCounters tx = s.sent();
            DirectionCounters rx = s.received();
            if (tx == null) {
                continue;
            }
            long[] last = published.getOrDefault(s, NEVER);
            next.put(s, last);
            long[] now = snapshot(tx, rx, last[PUBLISHES], s.generation());
            boolean changed = last[GENERATION] != now[GENERATION];
            for (int i = 0; i < PUBLISHES && !changed; i++) {
                changed = last[i] != now[i];
            }
            if (changed) {
                due.add(s);
            }
        }
        published = next;
        due.retainAll(next.keySet());
    }

    /** Publishes the due sockets: all of them on shm, at most {@link #BLOCK_SOCKETS_PER_BEAT} per beat on block. */
    private void publishDue() {
        int writes = 0;
        for (Iterator<SocketCore> it = due.iterator(); it.hasNext() && (!sectorWrites || writes < BLOCK_SOCKETS_PER_BEAT); ) {
            SocketCore s = it.next();
            it.remove();
            DirectionCounters tx = s.sent();
            DirectionCounters rx = s.received();
            long[] last = published.getOrDefault(s, NEVER);
            long[] now = snapshot(tx, rx, last[PUBLISHES] + 1, s.generation());
            write(layer.table.offset(layer.slot, s.index), now, last);
            published.put(s, now);
            writes++;
        }
    }

    /** One socket's counters as {@link #published} keeps them. */
    private static long[] snapshot(DirectionCounters tx, DirectionCounters rx, long publishes, int generation) {
        return new long[] {tx.bytes(), tx.messages(), tx.waits(), tx.wakes(), rx.bytes(), rx.messages(), rx.waits(),
                rx.wakes(), publishes, generation};
    }

    /** Writes the changed words of one socket's area (shm), or the whole area in one sector write (block). */
    private void write(long block, long[] now, long[] last) {
        int gen = (int) now[GENERATION];
        if (sectorWrites) {
            area.clear();
            for (int line = 0; line < 2; line++) {
                int at = line * (RX_BYTES_OFFSET - TX_BYTES_OFFSET);
                for (int f = 0; f < FIELDS; f++) {
                    area.putLong(at + LINE_FIELDS[f], now[FIELDS * line + f]);
                }
                area.putLong(at + LINE_PUBLISHES, now[PUBLISHES]);
                area.putInt(at + LINE_GENERATION, gen);
            }
            medium.writeRelease(block + AREA_START, area.clear());
            return;
        }
        for (int line = 0; line < 2; line++) {
            long at = block + TX_BYTES_OFFSET + (long) line * (RX_BYTES_OFFSET - TX_BYTES_OFFSET);
            for (int f = 0; f < FIELDS; f++) {
                if (now[FIELDS * line + f] != last[FIELDS * line + f] || now[GENERATION] != last[GENERATION]) {
                    medium.putLongRelease(at + LINE_FIELDS[f], now[FIELDS * line + f]);
                }
            }
            medium.putLongRelease(at + LINE_PUBLISHES, now[PUBLISHES]);
            medium.putIntRelease(at + LINE_GENERATION, gen); // last: the line is now this socket's
        }
    }

    private void publishNode() {
        long[] now = layer.node.counters().snapshot();
        boolean changed = nodePublishes == 0;
        for (int i = 0; i < now.length && !changed; i++) {
            changed = now[i] != nodePublished[i];
        }
        if (!changed) {
            return;
        }
        nodePublishes++;
        long record = layer.geometry.nodeRecordOffset(layer.slot);
        nodeArea.clear();
        for (long v : now) {
            nodeArea.putLong(v);
        }
        nodeArea.putLong(nodePublishes);
        nodeArea.putLong(layer.node.incarnation());
        if (sectorWrites) {
            medium.writeRelease(record + NodeRecordDescriptor.COUNTERS_OFFSET, nodeArea.clear());
        } else {
            for (int i = 0; i < NodeCountersDescriptor.COUNT; i++) {
                medium.putLongRelease(record + NodeCountersDescriptor.CONNECTS_OFFSET + (long) i * Long.BYTES,
                        nodeArea.getLong(i * Long.BYTES));
            }
        }
        System.arraycopy(now, 0, nodePublished, 0, now.length);
    }
}
