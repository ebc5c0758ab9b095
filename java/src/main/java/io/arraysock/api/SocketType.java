package io.arraysock.api;

/** The two kinds of array socket, as in BSD sockets. */
public enum SocketType {
    /** A reliable, ordered byte stream (like TCP's SOCK_STREAM). */
    STREAM,
    /** Reliable, ordered messages whose boundaries are kept (SOCK_SEQPACKET). */
    SEQPACKET
}
