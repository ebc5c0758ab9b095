package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;

import java.io.DataInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The two array connections of one backup session, data and errors, and how they are tied
 * together: the server accepts the first (data) connection on its dynamically allocated
 * port and sends a random session token on it; the client opens the second (error)
 * connection to the same port and presents the token as its first bytes. A second
 * connection without the right token is dropped, so a stray connect cannot pose as this
 * session's error channel.
 */
final class BackupSession implements AutoCloseable {
    static final int TOKEN_BYTES = 16;
    /** Rings of 4 MiB keep both processes busy while files stream (the default suits messages). */
    static final int RING_BYTES = 4 << 20;
    /** Refused error-channel candidates before the server gives up on the session. */
    private static final int MAX_IMPOSTORS = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    final ArraySocket data;
    final ErrorChannel errors;

    private BackupSession(ArraySocket data, ErrorChannel errors) {
        this.data = data;
        this.errors = errors;
    }

    /** Server side: accepts data, sends the token, accepts errors carrying the token. */
    static BackupSession accept(ArraySocket listener, Duration timeout, Consumer<String> onError) throws IOException {
        ArraySocket data = listener.accept(timeout);
        try {
            byte[] token = new byte[TOKEN_BYTES];
            RANDOM.nextBytes(token);
            data.send(token, 0, token.length);
            for (int tries = 0; tries <= MAX_IMPOSTORS; tries++) {
                ArraySocket candidate = listener.accept(timeout);
                candidate.setReceiveTimeout(timeout);
                byte[] theirs = new byte[TOKEN_BYTES];
                try {
                    new DataInputStream(ArrayStreams.in(candidate)).readFully(theirs);
                } catch (IOException e) {
                    candidate.close();
                    continue;
                }
                if (MessageDigest.isEqual(token, theirs)) {
                    candidate.setReceiveTimeout(Duration.ZERO);
                    return new BackupSession(data, new ErrorChannel(candidate, onError));
                }
                candidate.close();
            }
            throw new CliException(ExitCode.PROTOCOL, "no error connection with this session's token");
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** Client side: connects data, reads the token, connects errors and presents it. */
    static BackupSession connect(StorageArray array, int port, Duration timeout, Consumer<String> onError) throws IOException {
        ArraySocket data = array.openSocket(SocketType.STREAM);
        ArraySocket err = null;
        try {
            data.setSendBufferSize(RING_BYTES);
            data.setReceiveBufferSize(RING_BYTES);
            data.connect(port, timeout);
            data.setReceiveTimeout(timeout);
            byte[] token = new byte[TOKEN_BYTES];
            new DataInputStream(ArrayStreams.in(data)).readFully(token);
            data.setReceiveTimeout(Duration.ZERO);
            err = array.openSocket(SocketType.STREAM);
            err.connect(port, timeout);
            err.send(token, 0, token.length);
            return new BackupSession(data, new ErrorChannel(err, onError));
        } catch (IOException | RuntimeException e) {
            data.close();
            if (err != null) {
                err.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        errors.close();
        data.close();
    }
}
