package io.arraysock.netty.testsuite;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.netty.ArrayIoHandler;
import io.arraysock.netty.ArrayNettyChannel;
import io.arraysock.netty.ArrayNettyServerChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * How Netty's transport testsuite ({@code io.netty.testsuite.transport.socket}) runs on the
 * array, as Netty's native transports plug into it: each test class is subclassed with
 * {@link #socket()} as its bootstrap factories and {@link #newSocketAddress()} as the
 * address the server binds (a free port on one shm array for this JVM).
 */
final class ArrayTestsuite {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("testsuite-array", true), ArrayIoHandler.newFactory());
    private static final String PATH = formatArray();

    private ArrayTestsuite() {
    }

    private static String formatArray() {
        String path = "/dev/shm/arraysock-netty-testsuite-" + UUID.randomUUID();
        try {
            StorageArray.format(path, FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(256)
                    .withArenaSize(64 << 20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(Path.of(path));
            } catch (IOException ignored) {
                // the JVM is ending; a leftover segment in /dev/shm is harmless
            }
        }));
        return path;
    }

    static List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        return List.of(new BootstrapComboFactory<>() {
            @Override
            public ServerBootstrap newServerInstance() {
                return new ServerBootstrap().group(GROUP).channel(ArrayNettyServerChannel.class);
            }

            @Override
            public Bootstrap newClientInstance() {
                return new Bootstrap().group(GROUP).channel(ArrayNettyChannel.class);
            }

            @Override
            public String toString() {
                return "array";
            }
        });
    }

    /** The server bootstrap alone, for the tests whose client is a plain socket. */
    static List<BootstrapFactory<ServerBootstrap>> server() {
        BootstrapComboFactory<ServerBootstrap, Bootstrap> combo = socket().get(0);
        return List.of(combo::newServerInstance);
    }

    static SocketAddress newSocketAddress() {
        return new ArraySocketAddress(PATH, 0);
    }

    /** The shm array this JVM's testsuite runs on. */
    static String path() {
        return PATH;
    }
}
