package io.arraysock.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** An shm array and one array event loop for a test class (server and client share the loop thread). */
final class LoopFixture implements AutoCloseable {
    final ShmArrayFile array;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());

    LoopFixture() throws Exception {
        array = ShmArrayFile.create();
    }

    @Override
    public void close() throws IOException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        array.close();
    }
}
