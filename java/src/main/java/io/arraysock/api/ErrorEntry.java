package io.arraysock.api;

/**
 * One distinct error of a node's distinct-error log, as read from the medium
 * (docs/FORMAT.md, "Distinct-error log"). Untrusted: shown, never acted on.
 *
 * @param kind          what the library saw: reset, checksum, authentication, connect, refused,
 *                      node-dead, fenced, other (or unknown)
 * @param key           the writer's key of this error (a hash of kind, type and message with digits masked)
 * @param count         how many times the writer saw it
 * @param firstMillis   when first seen: milliseconds since the epoch on the <em>writer's</em> clock
 * @param lastMillis    when last seen, likewise (clocks of different hosts are never compared)
 * @param incarnation   the writer's incarnation
 * @param currentHolder whether that is the incarnation now holding the slot (else an earlier holder's)
 * @param message       the first occurrence's message, possibly truncated; malformed UTF-8 replaced
 */
public record ErrorEntry(String kind, long key, long count, long firstMillis, long lastMillis, long incarnation,
                         boolean currentHolder, String message) {
}
