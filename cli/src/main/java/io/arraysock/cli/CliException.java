package io.arraysock.cli;

import java.io.IOException;

/** A failure of a command that carries its own exit code (see {@link ExitCode}). */
public final class CliException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
