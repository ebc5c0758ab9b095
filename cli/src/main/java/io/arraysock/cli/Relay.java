package io.arraysock.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;

/**
 * One forwarded connection: the accepted client and its own connection to the target, both
 * served by one event-loop thread (every method runs on it). A read on one side is written
 * to the other; when the other's outbound buffer passes its high water mark the reading
 * side stops reading until it drains (back-pressure end to end). The end of one side's
 * input, once what it sent is written, shuts the other side's output (half-close); when
 * both directions have ended both channels close. A failure of either side (a reset, a
 * dead node, a broken pipe) cuts both at once with a reset ({@code SO_LINGER} 0).
 */
final class Relay {
    /** How the connection ends, once it has: for the log line. */
    interface Ended {
        void ended(Relay r, String how);
    }

    final int id;
    final Channel client;
    final String clientName;
    final long started = System.nanoTime();
    private Channel target;
    private String targetName;
    long up;
    long down;
    /** The first failure ("reset by ..."), or null while none. */
    private String failure;
    private boolean stopped;
    private boolean clientInputEnded;
    private boolean targetInputEnded;
    private int outputsShut;
    private int closed;
    private final Ended onEnd;

    Relay(int id, Channel client, String clientName, Ended onEnd) {
        this.id = id;
        this.client = client;
        this.clientName = clientName;
        this.onEnd = onEnd;
    }

    /** The target's connection is up: both sides start reading. */
    void connected(Channel t, String name) {
        target = t;
        targetName = name;
        watchClose(client);
        watchClose(t);
        if (stopped) {
            abortBoth();
            return;
        }
        client.config().setAutoRead(true);
        t.config().setAutoRead(true);
    }

    String targetName() {
        return targetName;
    }

    private Channel other(Channel side) {
        return side == client ? target : client;
    }

    void read(Channel from, ByteBuf msg) {
        Channel to = other(from);
        if (to == null || failure != null) {
            msg.release();
            return;
        }
        int n = msg.readableBytes();
        if (from == client) {
            up += n;
        } else {
            down += n;
        }
        to.write(msg, to.voidPromise()); // a failed write fires exceptionCaught on to's pipeline
        if (!to.isWritable()) {
            from.config().setAutoRead(false);
        }
    }

    void readComplete(Channel from) {
        Channel to = other(from);
        if (to != null) {
            to.flush();
        }
    }

    /** {@code side} drained below its low water mark (or filled above the high): the other side reads again (or stops). */
    void writabilityChanged(Channel side) {
        Channel from = other(side);
        if (from != null && !(from == client ? clientInputEnded : targetInputEnded)) {
            from.config().setAutoRead(side.isWritable());
        }
    }

    /** {@code from}'s peer ended its stream: once all it sent is written, the other side's output is shut. */
    void inputEnded(Channel from) {
        if (from == client) {
            if (clientInputEnded) {
                return;
            }
            clientInputEnded = true;
        } else {
            if (targetInputEnded) {
                return;
            }
            targetInputEnded = true;
        }
        Channel to = other(from);
        if (to == null) {
            return;
        }
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture written) -> {
            if (!written.isSuccess()) {
                fail(to, written.cause());
                return;
            }
            ((DuplexChannel) to).shutdownOutput().addListener((ChannelFuture shut) -> {
                if (!shut.isSuccess()) {
                    fail(to, shut.cause());
                } else if (++outputsShut == 2) {
                    client.close();
                    target.close();
                }
            });
        });
    }

    /** The first failure names the side and the cause; later ones are its echo (the sides we cut). */
    void fail(Channel side, Throwable e) {
        if (failure == null) {
            String who = side == client ? "the client" : "the target";
            failure = stopped ? "cut (the forward stopped)" : "reset by " + who + ": " + ExitCode.describe(MediumFaults.typed(e));
        }
        abortBoth();
    }

    /** A side closed without our doing (its peer or its medium went away): the other is cut. */
    void closedUnasked(Channel side) {
        if (outputsShut < 2 && failure == null) {
            fail(side, new java.net.SocketException("Connection reset"));
        }
    }

    /** The forward stops: both sides are cut at once, quietly. */
    void stop() {
        stopped = true;
        if (failure == null) {
            failure = "cut (the forward stopped)";
        }
        abortBoth();
    }

    private void abortBoth() {
        abort(client);
        if (target != null) {
            abort(target);
        }
    }

    /** Closes {@code ch} as a reset: SO_LINGER 0 (TCP: a RST; an array socket: its abort; a Unix socket has none). */
    static void abort(Channel ch) {
        if (ch.isOpen()) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
        }
    }

    private void watchClose(Channel ch) {
        ch.closeFuture().addListener(f -> {
            if (++closed == 2) {
                String how = failure != null ? failure : stopped ? "cut (the forward stopped)" : "closed";
                onEnd.ended(this, how);
            } else {
                closedUnasked(ch);
            }
        });
    }
}
