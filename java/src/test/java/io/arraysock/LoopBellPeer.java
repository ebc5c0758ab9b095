package io.arraysock;

import io.arraysock.api.SocketType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Child of {@link LoopBellTest}: connects to the parent's port, prints {@code CONNECTED},
 * then obeys lines on stdin: {@code SEND} sends one byte and prints {@code SENT t},
 * {@code CLOSE} closes the socket and prints {@code CLOSED t} ({@code t}: {@link System#nanoTime()}
 * right before the call, comparable with the parent's on one machine), {@code EXIT} ends.
 *
 * <p>Arguments: the array path, the port.
 */
public final class LoopBellPeer {
    private LoopBellPeer() {
    }

    public static void main(String[] args) {
        try (StorageArray array = StorageArray.attach(args[0]);
             ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.connect(Integer.parseInt(args[1]));
            Peer.say("CONNECTED");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("EXIT"); ) {
                long t = System.nanoTime();
                switch (line) {
                    case "SEND" -> {
                        s.send(ByteBuffer.wrap(new byte[] {7}));
                        Peer.say("SENT " + t);
                    }
                    case "CLOSE" -> {
                        s.close();
                        Peer.say("CLOSED " + t);
                    }
                    default -> throw new IllegalArgumentException(line);
                }
            }
            Peer.say("DONE");
        } catch (Throwable t) {
            Peer.say("ERROR " + t);
            t.printStackTrace();
            System.exit(1);
        }
    }
}
