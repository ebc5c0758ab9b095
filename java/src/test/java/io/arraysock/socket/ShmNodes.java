package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ShmSegments;

import java.io.IOException;
import java.util.Map;

/**
 * The socket package's shm array: a bare medium from the test kit's {@link ShmSegments}
 * (closed and unlinked by it) and a socket layer on each of two {@link BareNode}s, slots 0
 * and 1, without a node table. Closing closes the layers.
 */
final class ShmNodes implements AutoCloseable {
    final ShmMedium medium;
    final BareNode nodeA;
    final BareNode nodeB;
    final SocketLayer a;
    final SocketLayer b;

    ShmNodes(ShmSegments segments, Geometry geometry) throws IOException {
        this.medium = segments.medium(geometry);
        Map<Integer, Long> live = BareNode.registry();
        this.nodeA = new BareNode(medium, geometry, 0, live);
        this.nodeB = new BareNode(medium, geometry, 1, live);
        this.a = new SocketLayer(nodeA);
        this.b = new SocketLayer(nodeB);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
