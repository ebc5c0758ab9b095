package io.arraysock;

import io.arraysock.api.SocketType;


/** Child scenario: listens on {@code port} with {@code backlog} and never accepts; prints {@code LISTENING port}, then waits for EXIT. */
record ListenOnlyPeer(int port, int backlog) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.bind(port);
            s.listen(backlog);
            Peer.say("LISTENING " + s.localPort());
            p.await("EXIT");
        }
    }
}
