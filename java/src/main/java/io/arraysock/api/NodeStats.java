package io.arraysock.api;

import java.util.List;

/**
 * A node's counters as it last published them in its node record (docs/FORMAT.md, "Node
 * counters"), since it attached. Untrusted: raw unsigned 64-bit values, for display only.
 *
 * @param slot                   the node's slot
 * @param connects               connects of its sockets answered ESTABLISHED
 * @param connectFailures        connects refused, unanswered or timed out
 * @param accepts                connections taken by accept
 * @param refusals               connect requests its listeners refused, by reason 1..6 (backlog full,
 *                               authentication, socket type, malformed, no resources, encryption)
 * @param resets                 its connections that were reset
 * @param damagedChunks          of those, for a chunk that failed its checksum (block)
 * @param authenticationFailures connects refused for a wrong key, and chunks whose AES-GCM tag failed
 * @param nodesSeenDead          other nodes it judged dead while they were ACTIVE
 * @param publishes              how many times it published them
 */
public record NodeStats(int slot, long connects, long connectFailures, long accepts, List<Long> refusals, long resets,
                        long damagedChunks, long authenticationFailures, long nodesSeenDead, long publishes) {
    public NodeStats {
        refusals = List.copyOf(refusals);
    }
}
