package io.arraysock.api;

import java.io.IOException;

/**
 * A seqpacket message does not fit the buffer given to receive it. Nothing was taken: the
 * message is still the next one, for a receive with a larger buffer (or one that asks to
 * truncate). Never a silent truncation.
 */
public final class MessageTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long messageLength;

    public MessageTooLargeException(long messageLength, int bufferRemaining) {
        super("Message of " + messageLength + " bytes does not fit the " + bufferRemaining
                + " bytes left in the buffer; it stays queued");
        this.messageLength = messageLength;
    }

    /** The length of the waiting message. */
    public long messageLength() {
        return messageLength;
    }
}
