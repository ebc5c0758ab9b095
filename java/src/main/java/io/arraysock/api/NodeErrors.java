package io.arraysock.api;

import java.util.List;

/**
 * A node slot's distinct-error log as read from the medium (docs/FORMAT.md,
 * "Distinct-error log"). Untrusted, for display only.
 *
 * @param slot          the node slot
 * @param incarnation   the incarnation that last published the log's header
 * @param currentHolder whether that incarnation holds the slot now (else the log is an earlier holder's)
 * @param publishes     how many times the header was published
 * @param occurrences   errors logged in all, each occurrence of each entry (evicted ones too)
 * @param evicted       distinct errors that replaced the least recently seen one (the log was full)
 * @param entries       the readable entries, most recently seen first (by the writer's clock)
 * @param problems      what could not be read: a header pointing outside the slot's arena, damaged entries
 */
public record NodeErrors(int slot, long incarnation, boolean currentHolder, long publishes, long occurrences,
                         long evicted, List<ErrorEntry> entries, List<String> problems) {
    public NodeErrors {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }
}
