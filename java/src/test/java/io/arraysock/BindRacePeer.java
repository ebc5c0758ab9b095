package io.arraysock;

/** Child scenario: on GO, races the parent for {@code ports} ({@link BindRace}); prints {@code WON ports}. */
record BindRacePeer(String ports, int rounds, int holdMicros) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        Peer.say("WON " + BindRace.run(p.array(), ports, rounds, holdMicros));
    }
}
