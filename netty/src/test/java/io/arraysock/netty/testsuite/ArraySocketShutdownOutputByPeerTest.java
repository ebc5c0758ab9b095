package io.arraysock.netty.testsuite;

import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.ArraySocketFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@code SocketShutdownOutputByPeerTest} on the array: the peer that shuts its output
 * is the library's {@code java.net.Socket} adapter ({@link ArraySocketFactory}), as Netty's
 * domain-socket transport runs the same abstract test with a native socket of its own.
 */
class ArraySocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<Socket> {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return ArrayTestsuite.server();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return ArrayTestsuite.newSocketAddress();
    }

    @Override
    protected Socket newSocket() {
        return new ArraySocketFactory(ArrayTestsuite.path()).createSocket();
    }

    @Override
    protected void connect(Socket s, SocketAddress address) throws IOException {
        s.connect(address, 10_000);
    }

    @Override
    protected void write(Socket s, int data) throws IOException {
        s.getOutputStream().write(data);
    }

    @Override
    protected void shutdownOutput(Socket s) throws IOException {
        s.shutdownOutput();
    }

    @Override
    protected void close(Socket s) throws IOException {
        s.close();
    }
}
