package io.arraysock.cli;

import org.apache.commons.io.IOUtils;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The records of a backup's data connection (big-endian, DataOutput):
 * <pre>
 *   'D' u16 n, path[n]                                   a directory (so empty ones come back too)
 *   'F' u16 n, path[n], u64 size, bytes[size], u8 status, sha256[32]
 *                                                        a file; status 1: it changed while read, discard it
 *   'E'                                                  end of the tree
 *   'S' u64 files, u64 bytes, u32 skipped, u32 failed    the server's summary after a backup
 * </pre>
 * Paths are relative, '/'-separated, without "." or ".." parts: the receiver checks, since
 * the peer is not trusted to stay inside the target directory.
 */
final class BackupWire {
    static final int DIR = 'D';
    static final int FILE = 'F';
    static final int END = 'E';
    static final int SUMMARY = 'S';
    static final int STATUS_OK = 0;
    static final int STATUS_CHANGED = 1;
    static final int SHA_BYTES = 32;
    /** A file body moves in copies of up to this many bytes (one buffer a session side, reused). */
    static final int COPY_BUFFER = 1 << 20;
    /**
     * The buffer of the record stream over the data connection, for the small reads and
     * writes of headers and trailers. A body copy of at least this size bypasses it (the
     * buffered streams pass large transfers through), so body bytes are not copied twice.
     */
    static final int RECORD_BUFFER = 64 << 10;
    /** Backup names become directory names on the server: keep them plain. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private BackupWire() {
    }

    static void writePath(DataOutputStream out, int kind, String rel) throws IOException {
        byte[] p = rel.getBytes(StandardCharsets.UTF_8);
        if (p.length > 0xffff) {
            throw new IOException("path longer than 65535 bytes: " + rel);
        }
        out.writeByte(kind);
        out.writeShort(p.length);
        out.write(p);
    }

    static String readPath(DataInputStream in) throws IOException {
        String rel = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
        checkRelative(rel);
        return rel;
    }

    /** Refuses any path that could leave the target directory. */
    static void checkRelative(String rel) throws CliException {
        boolean bad = rel.isEmpty() || rel.startsWith("/") || rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0;
        for (String part : rel.split("/", -1)) {
            bad |= part.isEmpty() || part.equals(".") || part.equals("..");
        }
        if (bad) {
            throw new CliException(ExitCode.PROTOCOL, "the peer sent an unsafe path: " + rel);
        }
    }

    static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** What went out for one file: whether it was whole, and the SHA-256 of the bytes sent. */
    record Sent(boolean complete, byte[] sha) {
    }

    /**
     * Writes a file record from {@code in}, which should hold {@code size} bytes; when it held
     * fewer or more (the file changed), the record is padded or cut and marked changed.
     */
    static Sent writeFile(DataOutputStream out, String rel, long size, InputStream in, byte[] buffer) throws IOException {
        writePath(out, FILE, rel);
        out.writeLong(size);
        MessageDigest sha = sha256();
        DigestOutputStream body = new DigestOutputStream(new NonClosing(out), sha);
        long copied = IOUtils.copyLarge(in, body, 0, size, buffer);
        boolean complete = copied == size && in.read() < 0;
        for (long pad = size - copied; pad > 0; pad -= Math.min(pad, buffer.length)) {
            body.write(new byte[(int) Math.min(pad, buffer.length)]);
        }
        body.flush();
        out.writeByte(complete ? STATUS_OK : STATUS_CHANGED);
        byte[] digest = sha.digest();
        out.write(digest);
        return new Sent(complete, digest);
    }

    /** What a file record's tail said, after its body went to {@code sink}. */
    record Received(long size, boolean changed, boolean checksumOk, byte[] sha) {
    }

    /** Reads a file record's size, body (into {@code sink}), status and checksum, checking it. */
    static Received readFileBody(DataInputStream in, OutputStream sink, byte[] buffer) throws IOException {
        long size = in.readLong();
        if (size < 0) {
            throw new CliException(ExitCode.PROTOCOL, "negative file size " + size);
        }
        MessageDigest sha = sha256();
        DigestOutputStream body = new DigestOutputStream(sink, sha);
        long copied = IOUtils.copyLarge(in, body, 0, size, buffer);
        if (copied != size) {
            throw new CliException(ExitCode.CONNECTION_LOST, "the data connection ended inside a file");
        }
        body.flush();
        int status = in.readUnsignedByte();
        byte[] theirs = in.readNBytes(SHA_BYTES);
        byte[] mine = sha.digest();
        return new Received(size, status == STATUS_CHANGED, MessageDigest.isEqual(theirs, mine), mine);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Lets a buffered view be flushed without closing the connection under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
