/**
 * arraysock in the Java ecosystem: adopt it by changing an address or a factory, not code.
 *
 * <ul>
 * <li>{@link io.arraysock.net.ArraySocketChannel} and {@link io.arraysock.net.ArrayServerSocketChannel}:
 * {@code java.nio} {@code SocketChannel} and {@code ServerSocketChannel} over arrays (blocking
 * and non-blocking, EOF, asynchronous close, interrupt), and
 * {@link io.arraysock.net.ArraySelectorProvider}, whose selectors hold them ({@code OP_ACCEPT},
 * {@code OP_CONNECT}, {@code OP_READ}, {@code OP_WRITE}; a JDK selector cannot).
 * <li>{@link io.arraysock.net.ArrayBackedSocket} / {@link io.arraysock.net.ArrayBackedServerSocket}:
 * {@code java.net.Socket} and {@code ServerSocket} subclasses over arrays, made by
 * {@link io.arraysock.net.ArraySocketFactory} and {@link io.arraysock.net.ArrayServerSocketFactory}
 * ({@code javax.net} factories: host:port maps to the same port on the array) and, for Java
 * RMI, {@link io.arraysock.net.RmiArraySocketFactory}.
 * <li>{@link io.arraysock.net.Connector}: one entry point from an address
 * ({@code tcp://host:port} or {@code array:PATH?port=N}) to a socket, with
 * {@link io.arraysock.net.RoutingRules} moving existing TCP addresses onto arrays by
 * configuration, each rule with a {@link io.arraysock.net.RoutePolicy}.
 * <li>{@link io.arraysock.net.SharedArrays}: each array attached once per JVM and shared,
 * reference counted, since node slots are few.
 * </ul>
 */
package io.arraysock.net;
