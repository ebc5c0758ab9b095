package io.arraysock.api;

/**
 * A zero-copy call out of turn: a second claim while one is open, a commit or an abort with
 * no claim open (twice, or after the other), a send while a claim is open. A bug of the
 * caller, not of the connection: nothing was sent, and the socket is as it was.
 */
public final class ClaimStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClaimStateException(String message) {
        super(message);
    }
}
