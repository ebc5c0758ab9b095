package io.arraysock.grpc;

import io.arraysock.netty.ArrayIoHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loop that gRPC channels and servers on the array use unless they are given one:
 * one {@link ArrayIoHandler} loop thread for the whole JVM, made on first use. Its thread is
 * a daemon and it is never shut down, like grpc-netty's own default loops; a loop with no
 * channel registered backs off to sleeps of {@code maxIdleSleep} (1 ms).
 */
public final class ArrayEventLoops {
    private static final String THREAD_NAME = "arraysock-grpc";

    private ArrayEventLoops() {
    }

    private static final class Holder {
        static final EventLoopGroup SHARED = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory(THREAD_NAME, true), ArrayIoHandler.newFactory());
    }

    /** The JVM's shared array loop (one thread). */
    public static EventLoopGroup shared() {
        return Holder.SHARED;
    }
}
