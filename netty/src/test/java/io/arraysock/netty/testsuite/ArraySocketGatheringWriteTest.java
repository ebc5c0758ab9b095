package io.arraysock.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link SocketGatheringWriteTest} on the array. */
class ArraySocketGatheringWriteTest extends SocketGatheringWriteTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return ArrayTestsuite.socket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return ArrayTestsuite.newSocketAddress();
    }
}
