package io.arraysock.cli;

import io.arraysock.api.AlreadyFormattedException;
import io.arraysock.api.ArrayInUseException;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NoFreeNodeSlotException;
import io.arraysock.api.NotAnArrayException;
import io.arraysock.api.UnsupportedFormatVersionException;
import io.arraysock.api.NoSpaceException;
import io.arraysock.medium.MediumTruncatedException;

import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of {@code arraysock}: one per kind of failure, so that scripts can tell
 * "nothing listens" from "the path is not an array" without parsing messages.
 */
public final class ExitCode {
    public static final int OK = 0;
    /** An I/O error with no more specific code. */
    public static final int IO_ERROR = 1;
    /** Bad command line (picocli's own usage code). */
    public static final int USAGE = 2;
    public static final int NO_SUCH_PATH = 3;
    public static final int NOT_AN_ARRAY = 4;
    public static final int ALREADY_FORMATTED = 5;
    public static final int PORT_IN_USE = 6;
    public static final int REFUSED = 7;
    public static final int TIMEOUT = 8;
    /** Connection reset or broken pipe: the peer died or closed under us. */
    public static final int CONNECTION_LOST = 9;
    public static final int PERMISSION_DENIED = 10;
    public static final int NO_FREE_NODE_SLOT = 11;
    public static final int MEDIUM_TOO_SMALL = 12;
    /** A checksum or size did not match: the data is not what was sent. */
    public static final int VERIFY_FAILED = 13;
    public static final int CORRUPT_OR_UNSUPPORTED = 14;
    /** The peer spoke something that is not our protocol, or refused the request. */
    public static final int PROTOCOL = 15;
    /** The job finished, but some items failed (reported on the error channel). */
    public static final int PARTIAL = 16;
    /** The file system cannot hold it: a tmpfs too full for a segment (or for a page of one), a full disk. */
    public static final int NO_SPACE = 17;
    /** Format refused to overwrite an array while nodes are alive on it. */
    public static final int IN_USE = 18;

    private static final Map<String, String> DESCRIPTIONS = descriptionsInOrder();

    private ExitCode() {
    }

    private static Map<String, String> descriptionsInOrder() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", "success");
        m.put("1", "I/O error");
        m.put("2", "bad command line");
        m.put("3", "no such path");
        m.put("4", "not an array (not formatted)");
        m.put("5", "already formatted (use --force)");
        m.put("6", "port in use");
        m.put("7", "connection refused (nothing listens)");
        m.put("8", "timed out");
        m.put("9", "connection reset or broken pipe");
        m.put("10", "permission denied");
        m.put("11", "no free node slot");
        m.put("12", "medium too small");
        m.put("13", "verification failed (checksum or size)");
        m.put("14", "corrupt or unsupported array (or it shrank under us)");
        m.put("15", "protocol error or request refused by the peer");
        m.put("16", "finished, but some items failed");
        m.put("17", "no space (the tmpfs or disk is full)");
        m.put("18", "array in use: live nodes (format --force-live overrides)");
        return Collections.unmodifiableMap(m);
    }

    /** Code to meaning, in order: what every command's help lists. */
    public static Map<String, String> descriptions() {
        return DESCRIPTIONS;
    }

    /** The code for a failure; the most specific type wins. */
    public static int of(Throwable t) {
        Throwable fault = mediumFault(t);
        if (fault instanceof NoSpaceException) {
            return NO_SPACE;
        }
        if (fault instanceof MediumTruncatedException) {
            return CORRUPT_OR_UNSUPPORTED;
        }
        if (t instanceof CliException c) {
            return c.exitCode();
        }
        if (t instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (t instanceof NoSuchFileException) {
            return NO_SUCH_PATH;
        }
        if (t instanceof AccessDeniedException) {
            return PERMISSION_DENIED;
        }
        if (t instanceof NotAnArrayException) {
            return NOT_AN_ARRAY;
        }
        if (t instanceof AlreadyFormattedException) {
            return ALREADY_FORMATTED;
        }
        if (t instanceof ArrayInUseException) {
            return IN_USE;
        }
        if (t instanceof NoFreeNodeSlotException) {
            return NO_FREE_NODE_SLOT;
        }
        if (t instanceof MediumTooSmallException) {
            return MEDIUM_TOO_SMALL;
        }
        if (t instanceof CorruptMediumException || t instanceof UnsupportedFormatVersionException) {
            return CORRUPT_OR_UNSUPPORTED;
        }
        if (t instanceof BindException) {
            return PORT_IN_USE;
        }
        if (t instanceof ConnectException) {
            return REFUSED;
        }
        if (t instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof SocketException) {
            return CONNECTION_LOST;
        }
        return IO_ERROR;
    }

    /**
     * The medium fault behind a failure, if any: a socket reset because the segment's tmpfs
     * filled up is a full file system to the user, not a lost connection.
     */
    private static Throwable mediumFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoSpaceException || c instanceof MediumTruncatedException) {
                return c;
            }
        }
        return null;
    }

    /** A one-line message for stderr: what failed, and for the usual mistakes, what to do. */
    public static String describe(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof NoSuchFileException) {
            return m + ": no such file or device (create an array with: arraysock format PATH)";
        }
        if (t instanceof AccessDeniedException) {
            return m + ": permission denied";
        }
        if (t instanceof AlreadyFormattedException) {
            return m + " (add --force to format it anyway)";
        }
        if (t instanceof ArrayInUseException) {
            return m + " (stop them first, or add --force-live to pull the array from under them)";
        }
        if (t instanceof CliException || t instanceof IllegalArgumentException || t instanceof java.io.IOException) {
            return m;
        }
        return t.getClass().getSimpleName() + ": " + m;
    }
}
