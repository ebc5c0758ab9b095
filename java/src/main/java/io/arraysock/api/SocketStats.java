package io.arraysock.api;

/**
 * A socket's counters as its node last published them on the medium (docs/FORMAT.md,
 * "Socket counters"). Untrusted: whatever the owner (or anyone able to write the medium)
 * wrote; raw unsigned 64-bit values (print them with {@link Long#toUnsignedString}), for
 * display only. tx is what this socket sent, rx what it received.
 *
 * @param node        the owning node's slot
 * @param index       the block's index in that node's partition
 * @param txBytes     payload bytes sent
 * @param txMessages  seqpacket messages sent; on a stream, send calls that moved bytes
 * @param txWaits     sends that found the ring full
 * @param rxBytes     payload bytes received
 * @param rxMessages  seqpacket messages received; on a stream, receive calls that moved bytes
 * @param rxWaits     receives that found the ring empty
 * @param publishes   how many times the owner published them
 * @param txWakeups   futex wake-ups this socket's sending side gave a sleeping receiver (shm; its tx events word)
 * @param rxWakeups   wake-ups its receiving side gave a sleeping sender (shm; its rx events word)
 * @param txWakeupsReceived sleeps of the sending side (for room) that the peer's wake ended (shm)
 * @param rxWakeupsReceived sleeps of the receiving side (for data) that the peer's wake ended (shm)
 */
public record SocketStats(int node, int index, long txBytes, long txMessages, long txWaits, long rxBytes,
                          long rxMessages, long rxWaits, long publishes, long txWakeups, long rxWakeups,
                          long txWakeupsReceived, long rxWakeupsReceived) {
}
