package io.arraysock;

import io.arraysock.api.SocketType;

import java.util.ArrayList;
import java.util.List;

/** Child scenario: on GO, holds {@code count} ephemeral binds at once, prints {@code PORTS p1,p2,...}, and closes them on CLOSE ({@code CLOSED}). */
record EphemeralPortsPeer(int count) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        List<ArraySocket> held = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ArraySocket s = p.array().openSocket(SocketType.STREAM);
            s.bind(0);
            held.add(s);
            ports.append(i == 0 ? "" : ",").append(s.localPort());
        }
        Peer.say("PORTS " + ports);
        p.await("CLOSE");
        for (ArraySocket s : held) {
            s.close();
        }
        Peer.say("CLOSED");
    }
}
