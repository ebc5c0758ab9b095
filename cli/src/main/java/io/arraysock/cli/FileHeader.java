package io.arraysock.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What {@code send} puts before a file: magic "ASF1", the name (u16 length + UTF-8), the
 * size (u64); the file's bytes and their SHA-256 (32 bytes) follow, and the receiver answers
 * one byte, {@link #ACK_OK} or {@link #ACK_BAD}. Big-endian (DataOutput).
 */
record FileHeader(String name, long size) {
    static final int MAGIC = 0x41534631; // "ASF1"
    static final int ACK_OK = 0;
    static final int ACK_BAD = 1;
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
