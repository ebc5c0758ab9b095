package io.arraysock.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link SocketRstTest} on the array: SO_LINGER 0 closes with a reset, and only then. */
class ArraySocketRstTest extends SocketRstTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return ArrayTestsuite.socket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return ArrayTestsuite.newSocketAddress();
    }
}
