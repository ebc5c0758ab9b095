package io.arraysock.net;

import java.net.ServerSocket;
import java.net.Socket;

/** Which way a connection goes: an ordinary JDK TCP socket, or through an array. */
public enum Transport {
    TCP,
    ARRAY;

    /** What carries {@code socket}: ARRAY for {@link ArrayBackedSocket}s, TCP for anything else. */
    public static Transport of(Socket socket) {
        return socket instanceof ArrayBackedSocket ? ARRAY : TCP;
    }

    /** What {@code server} listens on. */
    public static Transport of(ServerSocket server) {
        return server instanceof ArrayBackedServerSocket ? ARRAY : TCP;
    }
}
