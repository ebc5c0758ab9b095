package io.arraysock;

import io.arraysock.format.ControlBlockDescriptor;

/** The two kinds of array socket, as in BSD sockets. */
public enum SocketType {
    /** A reliable, ordered byte stream (like TCP's SOCK_STREAM). */
    STREAM(ControlBlockDescriptor.TYPE_STREAM),
    /** Reliable, ordered messages whose boundaries are kept (SOCK_SEQPACKET). */
    SEQPACKET(ControlBlockDescriptor.TYPE_SEQPACKET);

    final int code;

    SocketType(int code) {
        this.code = code;
    }
}
