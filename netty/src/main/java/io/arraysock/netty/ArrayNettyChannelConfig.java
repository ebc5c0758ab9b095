package io.arraysock.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;

import java.util.Map;

/**
 * The options of an {@link ArrayNettyChannel}: Netty's common ones, plus
 * {@link ChannelOption#ALLOW_HALF_CLOSURE} and the ring sizes {@link ChannelOption#SO_SNDBUF}
 * and {@link ChannelOption#SO_RCVBUF} (0 = the array's default; they take effect at
 * connect). {@link ChannelOption#TCP_NODELAY} is accepted and does nothing: the array has
 * no Nagle delay. {@link ChannelOption#SO_KEEPALIVE} is accepted and does nothing: a peer's
 * death is always seen, through its node's liveness (grpc-netty sets it on every channel).
 * {@link ChannelOption#SO_LINGER} 0 makes a close a reset ({@code ArraySocket.abort}: the
 * peer sees "Connection reset", not an end of stream), as in TCP; any other value (default
 * -1) is a clean close, which never waits. {@link ArrayChannelOption#AUTH_KEY} is the
 * pre-shared key a connect proves.
 */
public final class ArrayNettyChannelConfig extends DefaultChannelConfig implements DuplexChannelConfig {
    private volatile boolean allowHalfClosure;
    private volatile int sendBufferSize;
    private volatile int receiveBufferSize;
    private volatile boolean noDelay = true;
    private volatile boolean keepAlive;
    private volatile int linger = -1;
    private volatile byte[] authKey;
    private final ArrayNettyChannel channel;

    ArrayNettyChannelConfig(ArrayNettyChannel channel) {
        super(channel);
        this.channel = channel;
    }

    /** autoRead turned off: the channel stops reading once the read in progress is done. */
    @Override
    protected void autoReadCleared() {
        channel.clearReadPending();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.SO_SNDBUF,
                ChannelOption.SO_RCVBUF, ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE,
                ChannelOption.SO_LINGER, ArrayChannelOption.AUTH_KEY);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(sendBufferSize);
        }
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(receiveBufferSize);
        }
        if (option == ChannelOption.TCP_NODELAY) {
            return (T) Boolean.valueOf(noDelay);
        }
        if (option == ChannelOption.SO_KEEPALIVE) {
            return (T) Boolean.valueOf(keepAlive);
        }
        if (option == ChannelOption.SO_LINGER) {
            return (T) Integer.valueOf(linger);
        }
        if (option == ArrayChannelOption.AUTH_KEY) {
            byte[] k = authKey;
            return (T) (k == null ? null : k.clone());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            sendBufferSize = nonNegative("SO_SNDBUF", (Integer) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
            receiveBufferSize = nonNegative("SO_RCVBUF", (Integer) value);
        } else if (option == ChannelOption.TCP_NODELAY) {
            noDelay = (Boolean) value;
        } else if (option == ChannelOption.SO_KEEPALIVE) {
            keepAlive = (Boolean) value;
        } else if (option == ChannelOption.SO_LINGER) {
            linger = (Integer) value;
        } else if (option == ArrayChannelOption.AUTH_KEY) {
            authKey = value == null ? null : ((byte[]) value).clone();
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private static int nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + v);
        }
        return v;
    }

    /** SO_SNDBUF: the ring this side writes into, in bytes; 0 = the array's default. */
    public int getSendBufferSize() {
        return sendBufferSize;
    }

    /** SO_RCVBUF: the ring this side asks its peer to write into, in bytes; 0 = the array's default. */
    public int getReceiveBufferSize() {
        return receiveBufferSize;
    }

    /** SO_LINGER 0: a close is a reset. */
    boolean closeResets() {
        return linger == 0;
    }

    /** The pre-shared key to prove at connect, or null; the caller must not change it. */
    byte[] authKey() {
        return authKey;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public ArrayNettyChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    @Deprecated
    public ArrayNettyChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public ArrayNettyChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
