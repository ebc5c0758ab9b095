package io.arraysock.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslGreetingTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link SocketSslGreetingTest} on the array. */
class ArraySocketSslGreetingTest extends SocketSslGreetingTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return ArrayTestsuite.socket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return ArrayTestsuite.newSocketAddress();
    }
}
