package io.arraysock;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A second JVM reading another JVM's arraysock MXBeans through the JMX attach API: starts
 * the target's local management agent, connects, and prints one line per bean,
 * {@code ARRAY path slot connects accepts} and {@code SOCKET index txBytes rxBytes state},
 * then {@code DONE}. The attach API (module jdk.attach) is called by reflection: this class
 * is compiled with the library's module, which does not read jdk.attach; it runs on the
 * class path, where the JDK resolves it.
 */
public final class JmxReader {
    private JmxReader() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> vmClass = Class.forName("com.sun.tools.attach.VirtualMachine");
        Object vm = vmClass.getMethod("attach", String.class).invoke(null, args[0]);
        try {
            String address = (String) vmClass.getMethod("startLocalManagementAgent").invoke(vm);
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection remote = c.getMBeanServerConnection();
                for (ObjectName n : remote.queryNames(new ObjectName("io.arraysock:type=Array,*"), null)) {
                    System.out.println("ARRAY " + remote.getAttribute(n, "Path") + " " + remote.getAttribute(n, "NodeSlot")
                            + " " + remote.getAttribute(n, "Connects") + " " + remote.getAttribute(n, "Accepts"));
                }
                for (ObjectName n : remote.queryNames(new ObjectName("io.arraysock:type=Socket,*"), null)) {
                    System.out.println("SOCKET " + n.getKeyProperty("path") + " " + n.getKeyProperty("index") + " "
                            + remote.getAttribute(n, "TxBytes") + " " + remote.getAttribute(n, "RxBytes") + " "
                            + remote.getAttribute(n, "State"));
                }
            }
        } finally {
            vmClass.getMethod("detach").invoke(vm);
        }
        System.out.println("DONE");
    }
}
