package io.arraysock.netty;

import io.netty.channel.ChannelOption;

/** The array's own channel options, beyond Netty's {@link ChannelOption}s. */
public final class ArrayChannelOption {
    /**
     * The pre-shared key (16..4096 bytes; docs/SECURITY.md): on an
     * {@link ArrayNettyServerChannel} the listener admits only clients that prove it; on an
     * {@link ArrayNettyChannel} the connect proves it. Null (the default): no key. Takes
     * effect at bind or connect; the channel keeps its own copy.
     */
    public static final ChannelOption<byte[]> AUTH_KEY = ChannelOption.valueOf(ArrayChannelOption.class, "AUTH_KEY");

    private ArrayChannelOption() {
    }
}
