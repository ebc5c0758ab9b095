package io.arraysock.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
 */
record FileHeader(String name, long size) {
    static final int MAGIC = 0x41534632; // "ASF2"
    static final int ACK_OK = 0;
    static final int ACK_BAD = 1;
    static final int READY = 2;
    static final int REFUSED = 3;
    /** Longest reason a refusal carries (longer ones are cut). */
    static final int MAX_REASON_BYTES = 1024;
    /** A file name, not a path: longer names than this are refused (a tiny header, by design). */
    static final int MAX_NAME_BYTES = 4096;

    FileHeader {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain file name: " + name);
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
        int code = in.readUnsignedByte();
        int len = in.readUnsignedShort();
        if (len > MAX_REASON_BYTES) {
            throw new CliException(ExitCode.PROTOCOL, "the receiver refused with a reason of " + len + " bytes");
        }
        String reason = new String(in.readNBytes(len), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ");
        return new CliException(code == ExitCode.OK ? ExitCode.PROTOCOL : code, "the receiver refused: " + reason);
    }

    static FileHeader read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new CliException(ExitCode.PROTOCOL, String.format("the sender is not 'arraysock send' (magic %08x)", magic));
        }
        int len = in.readUnsignedShort();
        if (len > MAX_NAME_BYTES) {
            throw new CliException(ExitCode.PROTOCOL, "file name of " + len + " bytes in the header");
        }
        byte[] n = in.readNBytes(len);
        long size = in.readLong();
        try {
            return new FileHeader(new String(n, StandardCharsets.UTF_8), size);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.PROTOCOL, "refused header: " + e.getMessage());
        }
    }
}
