package io.arraysock;

import io.arraysock.socket.SocketCore;
import io.arraysock.socket.TrafficView;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MXBeans of one attached array in the platform MBean server: the array's while it is
 * attached, each connected socket's from connect (or accept) to its close. arraysock does
 * not start the platform server itself (that costs a JVM hundreds of ms of CPU, which on a
 * loaded machine delayed heartbeats past the liveness timeout): the beans are registered
 * once one exists, started by the application, a JMX agent ({@code jcmd PID
 * ManagementAgent.start_local}, the attach API, jconsole) or {@code -Darraysock.jmx=true}
 * (start it at attach); looked for on every heartbeat, so they appear within a beat of the
 * agent. {@code -Darraysock.jmx=false}: never. JMX is a view: a registration that fails
 * is logged and changes nothing else.
 */
final class Jmx {
    private static final Logger LOG = System.getLogger(Jmx.class.getName());
    static final String DOMAIN = "io.arraysock";

    /** auto (default): once a platform server exists; true: start one at attach; false: never. */
    private static final String MODE = System.getProperty("arraysock.jmx", "auto");

    private volatile MBeanServer server;
    private final String prefix;
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
    /** Beans waiting for a platform server, by name. */
    private final Map<String, Object> waiting = new ConcurrentHashMap<>();
    /** Each socket's name, registered or waiting. */
    private final Map<ArraySocket, String> socketNames = new ConcurrentHashMap<>();
    private volatile boolean closed;

    Jmx(String path, int slot) {
        this.prefix = ",path=" + ObjectName.quote(path) + ",slot=" + slot;
    }

    /** The array's bean: registered now if a platform server exists (or {@code arraysock.jmx=true}), else once one does. */
    void registerArray(ArrayMXBean bean) {
        if (MODE.equals("false")) {
            return;
        }
        waiting.put(DOMAIN + ":type=Array" + prefix, bean);
        if (MODE.equals("true")) {
            start();
        }
        poll();
    }

    /** Registers {@code socket}'s bean, now or once a server exists. */
    void registerSocket(ArraySocket socket, SocketCore core) {
        if (MODE.equals("false") || closed) {
            return;
        }
        String name = DOMAIN + ":type=Socket" + prefix + ",index=" + TrafficView.index(core) + ",generation="
                + TrafficView.generation(core);
        socketNames.put(socket, name);
        waiting.put(name, new SocketBean(socket, core));
        if (server != null) {
            poll();
        }
    }

    /** Unregisters {@code socket}'s bean (or forgets it, still waiting). */
    void unregisterSocket(ArraySocket socket) {
        String name = socketNames.remove(socket);
        if (name != null) {
            waiting.remove(name);
            try {
                unregister(new ObjectName(name));
            } catch (javax.management.MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void start() {
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.DEBUG, "no platform MBean server: arraysock registers no MXBeans", e);
        }
    }

    /** On each heartbeat: once a platform server exists, registers the beans waiting for it. Cheap when none does. */
    void poll() {
        if (closed || waiting.isEmpty()) {
            return;
        }
        if (server == null) {
            if (MBeanServerFactory.findMBeanServer(null).isEmpty()) {
                return; // the platform server is one of these once anyone started it
            }
            start();
        }
        for (Map.Entry<String, Object> e : waiting.entrySet()) {
            if (waiting.remove(e.getKey(), e.getValue())) {
                register(e.getKey(), e.getValue());
            }
        }
    }

    private void register(String name, Object bean) {
        MBeanServer server = this.server;
        if (server == null || closed) {
            return;
        }
        try {
            ObjectName n = new ObjectName(name);
            server.registerMBean(bean, n);
            registered.add(n);
            if (closed) {
                unregister(n); // raced with close
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "registering MXBean " + name + " failed", e);
        }
    }

    void unregister(ObjectName name) {
        MBeanServer server = this.server;
        if (name != null && server != null && registered.remove(name)) {
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
        waiting.clear();
        socketNames.clear();
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

        @Override
        public long getTxWakeupsReceived() {
            return TrafficView.get(core, TrafficView.TX_WAKES);
        }

        @Override
        public long getRxWakeupsReceived() {
            return TrafficView.get(core, TrafficView.RX_WAKES);
        }
    }
}
