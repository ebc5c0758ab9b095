package io.arraysock.netty;

import io.arraysock.ArraySocket;
import io.arraysock.api.Doorbell;
import io.arraysock.api.SocketType;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.SharedArrays;
import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;

/**
 * A Netty server channel listening on a port of an array ({@code ServerBootstrap.channel(
 * ArrayNettyServerChannel.class)}, bound to an {@link ArraySocketAddress}). Each accepted
 * connection becomes an {@link ArrayNettyChannel}. {@link ChannelOption#SO_BACKLOG} is the
 * listen backlog. The library's acceptor answers connects in its own thread; this channel
 * takes the answered connections ({@code acceptNow}) on its loop.
 */
public final class ArrayNettyServerChannel extends AbstractServerChannel {
    private final ServerConfig config = new ServerConfig();
    private ArraySocket listener;
    private SharedArrays.Lease lease;
    private IoRegistration registration;
    private volatile boolean open = true;
    private volatile ArraySocketAddress local;
    /** Loop thread only. */
    private boolean acceptPending;

    public ArrayNettyServerChannel() {
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public ArraySocketAddress localAddress() {
        return (ArraySocketAddress) super.localAddress();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        ArraySocket l = listener;
        return open && l != null && l.isListening();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(ServerUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((ServerUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            registration = null;
            r.cancel();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        ArraySocketAddress a = ArrayNettyChannel.arrayAddress(localAddress);
        if (listener != null) {
            throw new IOException("already bound to " + local);
        }
        SharedArrays.Lease l = SharedArrays.acquire(a.arrayPath());
        ArraySocket s = null;
        try {
            s = l.array().openSocket(SocketType.STREAM);
            byte[] key = config.authKey;
            if (key != null) {
                s.setAuthenticationKey(key);
            }
            if (config.sendBufferSize > 0) {
                s.setSendBufferSize(config.sendBufferSize); // the accepted connections' rings: the acceptor makes them
            }
            if (config.receiveBufferSize > 0) {
                s.setReceiveBufferSize(config.receiveBufferSize);
            }
            s.bind(a.port());
            s.listen(config.backlog);
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            l.close();
            throw e;
        }
        listener = s;
        lease = l;
        local = new ArraySocketAddress(a.arrayPath(), s.localPort());
    }

    @Override
    protected void doClose() {
        open = false;
        if (listener != null) {
            listener.close();
        }
        if (lease != null) {
            lease.close();
        }
    }

    @Override
    protected void doBeginRead() {
        acceptPending = true;
    }

    private final class ServerUnsafe extends AbstractUnsafe implements ArrayIoHandle {
        @Override
        public void connect(SocketAddress remote, SocketAddress localAddress, ChannelPromise promise) {
            safeSetFailure(promise, new UnsupportedOperationException("a server channel does not connect"));
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        /** Takes the connections the library's acceptor has answered, as many as the allocator handle allows. */
        @SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle: what recvBufAllocHandle() returns in 4.2
        @Override
        public Doorbell doorbell() {
            ArraySocket l = listener;
            return l != null && isActive() ? l.doorbell() : null;
        }

        @Override
        public int poll() {
            if (!acceptPending || !isActive()) {
                return 0;
            }
            ChannelPipeline pipeline = pipeline();
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            handle.reset(config);
            int accepted = 0;
            Throwable failure = null;
            try {
                do {
                    ArraySocket s = listener.acceptNow();
                    if (s == null) {
                        break;
                    }
                    SharedArrays.Lease childLease;
                    try {
                        childLease = SharedArrays.acquire(lease.path());
                    } catch (IOException e) {
                        s.close();
                        throw e;
                    }
                    handle.incMessagesRead(1);
                    accepted++;
                    acceptPending = false;
                    pipeline.fireChannelRead(new ArrayNettyChannel(ArrayNettyServerChannel.this, s, childLease,
                            local.arrayPath()));
                } while (handle.continueReading());
            } catch (Throwable t) {
                failure = t;
            }
            if (accepted > 0 || failure != null) {
                handle.readComplete();
                pipeline.fireChannelReadComplete();
            }
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
                if (!listener.isListening() || listener.isClosed()) {
                    close(voidPromise());
                }
            }
            return accepted;
        }
    }

    /**
     * Netty's common options, {@link ChannelOption#SO_BACKLOG}, {@link ArrayChannelOption#AUTH_KEY}
     * and the ring sizes of accepted connections, {@link ChannelOption#SO_SNDBUF} and
     * {@link ChannelOption#SO_RCVBUF} (0: the array's default; set at bind: the library's
     * acceptor makes an accepted connection's rings before its channel exists, so a child's
     * own SO_SNDBUF/SO_RCVBUF come too late).
     */
    private final class ServerConfig extends DefaultChannelConfig {
        volatile int backlog = 128;
        volatile byte[] authKey;
        volatile int sendBufferSize;
        volatile int receiveBufferSize;

        ServerConfig() {
            super(ArrayNettyServerChannel.this, new ServerChannelRecvByteBufAllocator());
        }

        @Override
        public Map<ChannelOption<?>, Object> getOptions() {
            return getOptions(super.getOptions(), ChannelOption.SO_BACKLOG, ArrayChannelOption.AUTH_KEY,
                    ChannelOption.SO_SNDBUF, ChannelOption.SO_RCVBUF);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOption(ChannelOption<T> option) {
            if (option == ChannelOption.SO_BACKLOG) {
                return (T) Integer.valueOf(backlog);
            }
            if (option == ArrayChannelOption.AUTH_KEY) {
                byte[] k = authKey;
                return (T) (k == null ? null : k.clone());
            }
            if (option == ChannelOption.SO_SNDBUF) {
                return (T) Integer.valueOf(sendBufferSize);
            }
            if (option == ChannelOption.SO_RCVBUF) {
                return (T) Integer.valueOf(receiveBufferSize);
            }
            return super.getOption(option);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            validate(option, value);
            if (option == ChannelOption.SO_BACKLOG) {
                int v = (Integer) value;
                if (v < 0) {
                    throw new IllegalArgumentException("SO_BACKLOG must not be negative: " + v);
                }
                backlog = v;
                return true;
            }
            if (option == ArrayChannelOption.AUTH_KEY) {
                authKey = value == null ? null : ((byte[]) value).clone();
                return true;
            }
            if (option == ChannelOption.SO_SNDBUF || option == ChannelOption.SO_RCVBUF) {
                int v = (Integer) value;
                if (v < 0) {
                    throw new IllegalArgumentException(option + " must not be negative: " + v);
                }
                if (option == ChannelOption.SO_SNDBUF) {
                    sendBufferSize = v;
                } else {
                    receiveBufferSize = v;
                }
                return true;
            }
            return super.setOption(option, value);
        }

        @Override
        protected void autoReadCleared() {
            if (isRegistered() && !eventLoop().inEventLoop()) {
                eventLoop().execute(() -> acceptPending = false);
            } else {
                acceptPending = false;
            }
        }
    }
}
