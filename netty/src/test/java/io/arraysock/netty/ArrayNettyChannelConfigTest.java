package io.arraysock.netty;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The options an array channel takes, refuses and reports (no array needed: the channel is not connected). */
class ArrayNettyChannelConfigTest {
    private final ArrayNettyChannelConfig config = new ArrayNettyChannel().config();

    @Test
    void tcpOptionsThatClientsSetAreAcceptedAndReportedBack() {
        // grpc-netty sets SO_KEEPALIVE on every channel; Netty warns per connection for an option refused
        for (ChannelOption<Boolean> o : List.of(ChannelOption.SO_KEEPALIVE, ChannelOption.TCP_NODELAY)) {
            assertTrue(config.setOption(o, true), o.name());
            assertEquals(Boolean.TRUE, config.getOption(o), o.name());
            assertTrue(config.setOption(o, false), o.name());
            assertEquals(Boolean.FALSE, config.getOption(o), o.name());
            assertTrue(config.getOptions().containsKey(o), o.name());
        }
    }

    @Test
    void optionsWithNoMeaningHereAreRefused() {
        assertFalse(config.setOption(ChannelOption.IP_TOS, 0x10));
    }

    @Test
    void lingerAndTheKeyAreTakenAndReportedBack() {
        assertEquals(-1, config.getOption(ChannelOption.SO_LINGER));
        assertTrue(config.setOption(ChannelOption.SO_LINGER, 0)); // a close is a reset (ArrayNettyResetTest)
        assertEquals(0, config.getOption(ChannelOption.SO_LINGER));
        byte[] key = new byte[32];
        assertTrue(config.setOption(ArrayChannelOption.AUTH_KEY, key));
        key[0] = 1;
        assertEquals(0, config.getOption(ArrayChannelOption.AUTH_KEY)[0], "the channel keeps its own copy");
    }

    @Test
    void ringSizesMustNotBeNegative() {
        assertTrue(config.setOption(ChannelOption.SO_SNDBUF, 1 << 20));
        assertEquals(1 << 20, config.getOption(ChannelOption.SO_SNDBUF));
        assertThrows(IllegalArgumentException.class, () -> config.setOption(ChannelOption.SO_RCVBUF, -1));
    }
}
