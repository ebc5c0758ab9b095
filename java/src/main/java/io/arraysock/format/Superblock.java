package io.arraysock.format;

import java.util.Objects;
import java.util.UUID;

/**
 * The decoded superblock: what {@code format} chose and every participant obeys. Offsets
 * and the required size are not stored here: they are derived from {@link #geometry()},
 * and the codec checks that the medium's copies equal the derived ones.
 *
 * @param versionMajor        format major version; {@link SuperblockDescriptor#VERSION_MAJOR} when written by us
 * @param versionMinor        format minor version; may be higher than ours when read
 * @param uuid                identity of this formatting of the medium; never all-zero
 * @param geometry            sector size, node slots, sockets per node, arena size
 * @param flags               feature flags; none defined in 1.0
 * @param heartbeatIntervalMs how often an attached node advances its heartbeat
 * @param livenessTimeoutMs   a heartbeat unchanged this long on the observer's clock means dead
 * @param claimSettleMs       how long a claimer waits between writing a claim and reading it back
 */
public record Superblock(int versionMajor, int versionMinor, UUID uuid, Geometry geometry, int flags,
                         int heartbeatIntervalMs, int livenessTimeoutMs, int claimSettleMs) {
    public Superblock {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(geometry, "geometry");
    }
}
