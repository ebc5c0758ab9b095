package io.arraysock.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;
import org.junit.jupiter.api.TestInfo;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketHalfClosedTest} on the array: six of its eight tests. The two below
 * are overridden without {@code @Test}, so JUnit does not run them (netty/README.md says why).
 */
class ArraySocketHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return ArrayTestsuite.socket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return ArrayTestsuite.newSocketAddress();
    }

    /**
     * Not applicable: casts the channel to {@code io.netty.channel.socket.SocketChannel}, the
     * IP socket type (an array channel is a {@code DuplexChannel}, as Netty's domain sockets are).
     */
    @Override
    public void testHalfClosureReceiveDataOnFinalWait2StateWhenSoLingerSet(TestInfo testInfo) {
    }

    /**
     * A known difference from TCP: the peer resets (SO_LINGER 0) with 100 bytes unread in its
     * ring, then this side writes and reads. TCP has those bytes in the reader's kernel and
     * fails the write; on the array a reset releases the ring at once, so the bytes are gone
     * (the reader sees the reset) and a write fails only once the peer is checked.
     */
    @Override
    public void testAutoCloseFalseDoesShutdownOutput(TestInfo testInfo) {
    }
}
