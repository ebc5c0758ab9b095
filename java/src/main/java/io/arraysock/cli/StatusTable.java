package io.arraysock.cli;

import io.arraysock.NodeInfo;
import io.arraysock.SocketInfo;
import io.arraysock.StorageArray;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/** Prints an array's nodes and sockets as tables, like {@code ss}. */
public final class StatusTable {
    private StatusTable() {
    }

    public static void print(StorageArray array, PrintStream out) throws IOException {
        out.printf("array %s  uuid %s  %d node slots x %d sockets, %d MiB arena per node%n", array.path(), array.uuid(),
                array.geometry().nodeSlots(), array.geometry().socketsPerNode(), array.geometry().arenaSize() >> 20);
        out.printf("%-5s %-8s %-8s %-8s %-20s %s%n", "NODE", "STATE", "LIVENESS", "PID", "HOST", "HEARTBEAT AGE");
        for (NodeInfo n : array.nodes()) {
            if (n.state().name().equals("FREE")) {
                continue;
            }
            Duration age = n.heartbeatAge();
            out.printf("%-5d %-8s %-8s %-8d %-20s %s%n", n.slot(), n.state(), n.liveness(), n.pid(), n.host(),
                    age == null ? "-" : age.toMillis() + " ms");
        }
        out.printf("%-5s %-6s %-10s %-12s %-6s %-10s %s%n", "NODE", "INDEX", "TYPE", "STATE", "PORT", "PEER", "RING");
        for (SocketInfo s : array.sockets()) {
            String peer = s.state().equals("ESTABLISHED") || s.state().equals("CLOSED") || s.state().equals("CONNECTING")
                    ? s.peerNode() + ":" + s.remotePort() : "-";
            out.printf("%-5d %-6d %-10s %-12s %-6d %-10s %s%n", s.node(), s.index(), s.type(), s.state(), s.localPort(), peer,
                    s.ringBytes() == 0 ? "-" : (s.ringBytes() >> 10) + " KiB");
        }
    }
}
