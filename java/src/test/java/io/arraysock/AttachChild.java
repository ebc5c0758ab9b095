package io.arraysock;

import io.arraysock.api.NodeInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The other process of the cross-process attach tests: attaches {@code args[0]}, prints
 * {@code SLOT n}, then obeys stdin: {@code NODES} prints the node table as it sees it,
 * {@code CLOSE} detaches and exits. A failure to attach prints {@code ERROR class message}.
 */
public final class AttachChild {
    private AttachChild() {
    }

    public static void main(String[] args) throws Exception {
        StorageArray array;
        try {
            array = StorageArray.attach(args[0]);
        } catch (Exception e) {
            System.out.println("ERROR " + e.getClass().getName() + " " + e.getMessage());
            System.out.flush();
            System.exit(2);
            return;
        }
        System.out.println("SLOT " + array.nodeSlot() + " " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("NODES")) {
                for (NodeInfo n : array.nodes()) {
                    System.out.println("NODE " + n.slot() + " " + n.state() + " " + n.pid() + " " + n.liveness() + " " + n.host());
                }
                System.out.println("END");
            } else if (line.equals("CLOSE")) {
                array.close();
                System.out.println("CLOSED");
                System.out.flush();
                return;
            }
            System.out.flush();
        }
        array.close();
    }
}
