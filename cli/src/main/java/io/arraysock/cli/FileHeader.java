package io.arraysock.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The file protocol of {@code send} and {@code recv}. Big-endian (DataOutput).
 * <pre>
 * sender                                   receiver
 * "ASF2" | u16 name length | name | u64 size  -->
 *                                          <--  READY, or REFUSED | u8 exit code | u16 length | reason
 * the file's bytes | SHA-256 (32 bytes)    -->
 *                                          <--  ACK_OK or ACK_BAD, or REFUSED ... (it failed to store them)
 * </pre>
 * A receiver that refuses mid-file (its disk filled up) sends REFUSED at once and reads on
 * until the sender, which looks for it between chunks, closes: so the sender always hears
 * why, never only that the connection was reset.
 *
 * <p>Every header field is untrusted: {@link #read} refuses a header that is cut short,
 * has another magic or protocol version, a name longer than {@value #MAX_NAME_BYTES} bytes
 * (before reading it), a name that is not valid UTF-8 or not a plain file name (empty,
 * {@code .}, {@code ..}, a {@code /}, a NUL or another control character), or a negative
 * size, with a {@link CliException} of {@link ExitCode#PROTOCOL}.
 */
record FileHeader(String name, long size) {
    static final int MAGIC = 0x41534632; // "ASF2"
    /** The first three bytes of the magic, "ASF": the fourth is the protocol version. */
    private static final int MAGIC_FAMILY = MAGIC >>> 8;
    static final int ACK_OK = 0;
    static final int ACK_BAD = 1;
    static final int READY = 2;
    static final int REFUSED = 3;
    /** Longest reason a refusal carries (longer ones are cut). */
    static final int MAX_REASON_BYTES = 1024;
    /**
     * A file name, not a path: longer names are refused. NAME_MAX (255) less the 27 bytes
     * recv's partial file adds ({@code .NAME.<up to 20 digits>.part}), so that it can be created.
     */
    static final int MAX_NAME_BYTES = 228;
    /** The fixed part: magic, name length, size. */
    static final int FIXED_BYTES = 4 + 2 + 8;

    FileHeader {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(Character::isISOControl)) { // NUL, newline, ESC: not in a name we print
            throw new IllegalArgumentException("not a plain file name: " + printable(name));
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
    }

    void write(DataOutputStream out) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("file name longer than " + MAX_NAME_BYTES + " bytes");
        }
        out.writeInt(MAGIC);
        out.writeShort(n.length);
        out.write(n);
        out.writeLong(size);
    }

    /** The receiver's REFUSED answer: why, and the exit code the sender should end with. */
    static void writeRefusal(DataOutputStream out, int exitCode, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        out.writeByte(REFUSED);
        out.writeByte(exitCode);
        out.writeShort(Math.min(r.length, MAX_REASON_BYTES));
        out.write(r, 0, Math.min(r.length, MAX_REASON_BYTES));
        out.flush();
    }

    /** Reads the rest of a REFUSED answer (its first byte already read) as the failure to end with. */
    static CliException readRefusal(DataInputStream in) throws IOException {
        byte[] fixed = in.readNBytes(3);
        if (fixed.length < 3) {
            throw new CliException(ExitCode.PROTOCOL, "the receiver refused, but its answer ended after "
                    + (1 + fixed.length) + " bytes");
        }
        int code = fixed[0] & 0xff;
        int len = (fixed[1] & 0xff) << 8 | fixed[2] & 0xff;
        if (len > MAX_REASON_BYTES) {
            throw new CliException(ExitCode.PROTOCOL, "the receiver refused with a reason of " + len + " bytes");
        }
        String reason = new String(in.readNBytes(len), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ");
        return new CliException(code == ExitCode.OK ? ExitCode.PROTOCOL : code, "the receiver refused: " + reason);
    }

    /**
     * Reads and checks a header. Nothing is allocated by what the header claims but a name of
     * at most {@value #MAX_NAME_BYTES} bytes.
     *
     * @throws CliException ({@link ExitCode#PROTOCOL}) for a header that is cut short, foreign
     *                      or of another version, or whose name or size {@link FileHeader} refuses
     */
    static FileHeader read(DataInputStream in) throws IOException {
        byte[] start = in.readNBytes(6);
        if (start.length >= 4) {
            int magic = ByteBuffer.wrap(start).getInt();
            if (magic != MAGIC) {
                throw new CliException(ExitCode.PROTOCOL, foreign(magic));
            }
        }
        if (start.length < 6) {
            throw truncated(start.length);
        }
        int len = (start[4] & 0xff) << 8 | start[5] & 0xff;
        if (len > MAX_NAME_BYTES) {
            throw new CliException(ExitCode.PROTOCOL, "refused header: a file name of " + len + " bytes (at most "
                    + MAX_NAME_BYTES + ")");
        }
        byte[] n = in.readNBytes(len);
        if (n.length < len) {
            throw truncated(6 + n.length);
        }
        byte[] sizeBytes = in.readNBytes(8);
        if (sizeBytes.length < 8) {
            throw truncated(6 + len + sizeBytes.length);
        }
        long size = ByteBuffer.wrap(sizeBytes).getLong();
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(n)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.PROTOCOL, "refused header: the file name is not valid UTF-8");
        }
        try {
            return new FileHeader(name, size);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.PROTOCOL, "refused header: " + e.getMessage());
        }
    }

    private static CliException truncated(int got) {
        return new CliException(ExitCode.PROTOCOL, "the file header ended after " + got + " bytes (the peer closed "
                + "or stopped mid-header: is it 'arraysock send' that connected?)");
    }

    /** Another program, or another version of ours ("ASF" and a different version byte). */
    private static String foreign(int magic) {
        if (magic >>> 8 == MAGIC_FAMILY) {
            return String.format("the sender speaks file protocol version %s, this recv speaks %s: use the same "
                    + "arraysock version on both sides", printable(String.valueOf((char) (magic & 0xff))),
                    (char) (MAGIC & 0xff));
        }
        return String.format("the sender is not 'arraysock send' (its first bytes: %08x)", magic);
    }

    /** A name as it may be printed: control characters escaped, at most 64 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 64 ? b + "..." : b.toString();
    }
}
