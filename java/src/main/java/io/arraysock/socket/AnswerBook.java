package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Acceptor}'s record of the connect requests it answered, so that each is
 * answered once: a request, named by its client block and nonce, maps to our answer. A
 * refusal's block stays ours while its client may still read it, that is until a full pass
 * no longer finds the request; then it is released. Guarded by the acceptor's pass lock.
 */
final class AnswerBook {
    /** A connect request, named by its client block and nonce. */
    record RequestKey(int slot, int index, int generation, long nonce) {
    }

    /** Our answer block to a request: an accepted socket, or a refusal (socket null); index -1: no block. */
    record Answer(int index, ControlBlockHeader header, SocketCore socket) {
    }

    private final SocketBlocks blocks;
    private final Map<RequestKey, Answer> answered = new HashMap<>();
    /** The requests the pass in progress found. */
    private final Set<RequestKey> found = new HashSet<>();

    /** @param blocks our partition's blocks, where the refusal blocks go back */
    AnswerBook(SocketBlocks blocks) {
        this.blocks = blocks;
    }

    boolean isEmpty() {
        return answered.isEmpty();
    }

    /** A pass starts: no request found yet. */
    void startPass() {
        found.clear();
    }

    /** The pass found {@code request}: whether it was answered already. */
    boolean found(RequestKey request) {
        found.add(request);
        return answered.containsKey(request);
    }

    void answered(RequestKey request, Answer answer) {
        answered.put(request, answer);
    }

    /**
     * After a full pass (one that saw every partition): forgets the answers to requests it
     * did not find, releasing their refusal blocks. Whether any was forgotten.
     */
    boolean forgetUnfound() {
        boolean forgot = false;
        for (Iterator<Map.Entry<RequestKey, Answer>> it = answered.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<RequestKey, Answer> e = it.next();
            if (!found.contains(e.getKey())) {
                release(e.getValue());
                it.remove();
                forgot = true;
            }
        }
        return forgot;
    }

    /** Forgets every answer; unless {@code fenced} (the medium is no longer ours), frees the refusal blocks. */
    void close(boolean fenced) {
        if (!fenced) {
            for (Answer a : answered.values()) {
                release(a);
            }
        }
        answered.clear();
    }

    private void release(Answer a) {
        if (a.socket() == null && a.index() >= 0) {
            blocks.release(a.index(), a.header());
        }
    }
}
