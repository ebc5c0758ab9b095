package io.arraysock.net;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/** The registration of one array channel with an {@link ArraySelector}. */
final class ArraySelectionKey extends AbstractSelectionKey {
    private final ArraySelector selector;
    private final SelectableChannel channel;
    private volatile int interestOps;
    /** Written by the selecting thread (under the selector's selected-key set). */
    private volatile int readyOps;

    ArraySelectionKey(ArraySelector selector, SelectableChannel channel) {
        this.selector = selector;
        this.channel = channel;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    /** Takes effect at the selector's next look (a select in progress sees it in its next round). */
    @Override
    public SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("invalid interest ops " + ops + " for " + channel);
        }
        interestOps = ops;
        return this;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    /** The interest set without the validity check: the selector's look. */
    int interest() {
        return interestOps;
    }

    int ready() {
        return readyOps;
    }

    void ready(int ops) {
        readyOps = ops;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }
}
