package io.arraysock.cli;

import io.arraysock.StorageArray;
import picocli.CommandLine;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;

/** Turns a medium's memory fault that reached a command into the error that names its cause. */
final class MediumFaults {
    /** The label every command gives its array's path. */
    static final String PATH_LABEL = "PATH";
    private static final int MAX_PENDING = 64;

    private MediumFaults() {
    }

    /**
     * The typed error for {@code error}, raised while {@code parsed} ran; the array is its
     * PATH argument. With no parse result (a command's own thread), the error names no array.
     */
    static IOException explain(CommandLine.ParseResult parsed, InternalError error) {
        String path = parsed == null ? null : arrayPath(parsed);
        if (path == null) {
            IOException unknown = new IOException("a shared mapping faulted (a segment was truncated, or its tmpfs is full)");
            unknown.initCause(error);
            return unknown;
        }
        // the faulting accesses of a truncation may each leave an error pending, delivered
        // while we look: absorb a few
        for (int tries = 0; ; tries++) {
            try {
                return StorageArray.explainFault(path, error);
            } catch (InternalError again) {
                if (again == error || tries >= MAX_PENDING) {
                    throw again;
                }
            }
        }
    }

    /** {@code e} itself, or for a memory fault on a command's own thread, the typed error that names no array. */
    static Throwable typed(Throwable e) {
        return e instanceof InternalError memoryFault ? explain(null, memoryFault) : e;
    }

    private static String arrayPath(CommandLine.ParseResult parsed) {
        for (PositionalParamSpec p : parsed.commandSpec().positionalParameters()) {
            if (PATH_LABEL.equals(p.paramLabel()) && p.getValue() instanceof String s) {
                return s;
            }
        }
        return null;
    }
}
