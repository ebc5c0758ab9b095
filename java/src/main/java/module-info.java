/**
 * arraysock: sockets whose bytes travel through shared storage.
 *
 * <p>Exported: the facade ({@code io.arraysock}: StorageArray, ArraySocket and their
 * options), the types every layer shares ({@code io.arraysock.api}: exceptions, idle
 * strategies, socket types, info records) and the java.net adapters
 * ({@code io.arraysock.net}). Everything else is the implementation: socket, node,
 * format and medium layers (docs/ARCHITECTURE.md).
 */
module io.arraysock {
    requires com.sun.jna;
    requires java.rmi;
    requires java.management; // the MXBeans of arrays and sockets (a JDK module)

    exports io.arraysock;
    exports io.arraysock.api;
    exports io.arraysock.net;

    // JNA binds the C layer's functions to NativeLayer's native methods by reflection
    opens io.arraysock.medium.internal to com.sun.jna;
}
