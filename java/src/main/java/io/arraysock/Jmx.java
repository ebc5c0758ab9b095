package io.arraysock;

import io.arraysock.socket.SocketCore;
import io.arraysock.socket.TrafficView;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MXBeans of one attached array in the platform MBean server: the array's from attach
 * to close, each connected socket's from connect (or accept) to its close. JMX is a view:
 * a registration that fails (a JVM without a platform server, a name taken) is logged and
 * changes nothing else.
 */
final class Jmx {
    private static final Logger LOG = System.getLogger(Jmx.class.getName());
    static final String DOMAIN = "io.arraysock";

    private final MBeanServer server;
    private final String prefix;
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Jmx(String path, int slot) {
        MBeanServer s;
        try {
            s = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.DEBUG, "no platform MBean server: arraysock registers no MXBeans", e);
            s = null;
        }
        this.server = s;
        this.prefix = ",path=" + ObjectName.quote(path) + ",slot=" + slot;
    }

    void registerArray(ArrayMXBean bean) {
        register(DOMAIN + ":type=Array" + prefix, bean);
    }

    /** Registers {@code socket}'s bean; returns its name, or null when not registered. */
    ObjectName registerSocket(ArraySocket socket, SocketCore core) {
        return register(DOMAIN + ":type=Socket" + prefix + ",index=" + TrafficView.index(core) + ",generation="
                + TrafficView.generation(core), new SocketBean(socket, core));
    }

    private ObjectName register(String name, Object bean) {
        if (server == null || closed) {
            return null;
        }
        try {
            ObjectName n = new ObjectName(name);
            server.registerMBean(bean, n);
            registered.add(n);
            if (closed) {
                unregister(n); // raced with close
            }
            return n;
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "registering MXBean " + name + " failed", e);
            return null;
        }
    }

    void unregister(ObjectName name) {
        if (name != null && registered.remove(name)) {
            try {
                server.unregisterMBean(name);
            } catch (JMException | RuntimeException e) {
                LOG.log(Level.DEBUG, "unregistering MXBean " + name + " failed", e);
            }
        }
    }

    /** Unregisters every bean still registered (the array's, and those of sockets left open). */
    void close() {
        closed = true;
        for (ObjectName n : registered) {
            unregister(n);
        }
    }

    /** A socket's state, peer and counters, read from this process's fields. */
    private record SocketBean(ArraySocket socket, SocketCore core) implements SocketMXBean {
        @Override
        public String getType() {
            return socket.type().name();
        }

        @Override
        public String getState() {
            return socket.isClosed() ? "CLOSED" : "CONNECTED";
        }

        @Override
        public int getLocalPort() {
            return socket.localPort();
        }

        @Override
        public int getPeerNode() {
            return socket.remoteNode();
        }

        @Override
        public int getRemotePort() {
            return socket.remotePort();
        }

        @Override
        public long getTxBytes() {
            return TrafficView.get(core, TrafficView.TX_BYTES);
        }

        @Override
        public long getTxMessages() {
            return TrafficView.get(core, TrafficView.TX_MESSAGES);
        }

        @Override
        public long getTxWaits() {
            return TrafficView.get(core, TrafficView.TX_WAITS);
        }

        @Override
        public long getRxBytes() {
            return TrafficView.get(core, TrafficView.RX_BYTES);
        }

        @Override
        public long getRxMessages() {
            return TrafficView.get(core, TrafficView.RX_MESSAGES);
        }

        @Override
        public long getRxWaits() {
            return TrafficView.get(core, TrafficView.RX_WAITS);
        }
    }
}
