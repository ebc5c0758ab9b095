package io.arraysock;

/**
 * How {@link StorageArray#attach} joins an array. Immutable; start from {@link #defaults()}.
 *
 * @param heartbeatIntervalMs how often this node beats; 0 = the array's (from its superblock).
 *                            Must not exceed half the liveness timeout in force.
 * @param livenessTimeoutMs   how long this observer waits before judging a silent remote node
 *                            dead; 0 = the array's. Never shorter than the array's: a shorter
 *                            one would kill nodes that beat as the array says.
 * @param hostName            the host name written in our node record; null = this host's
 */
public record AttachOptions(int heartbeatIntervalMs, int livenessTimeoutMs, String hostName) {
    public AttachOptions {
        if (heartbeatIntervalMs < 0 || livenessTimeoutMs < 0) {
            throw new IllegalArgumentException("intervals must not be negative: " + heartbeatIntervalMs + ", " + livenessTimeoutMs);
        }
    }

    public static AttachOptions defaults() {
        return new AttachOptions(0, 0, null);
    }

    public AttachOptions withHeartbeatIntervalMs(int v) {
        return new AttachOptions(v, livenessTimeoutMs, hostName);
    }

    public AttachOptions withLivenessTimeoutMs(int v) {
        return new AttachOptions(heartbeatIntervalMs, v, hostName);
    }

    public AttachOptions withHostName(String v) {
        return new AttachOptions(heartbeatIntervalMs, livenessTimeoutMs, v);
    }
}
