package io.arraysock.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * The side that sends the tree (the client on backup, the server on restore) sends the
 * records back to back, with no acknowledgement per file, and shuts its output down after
 * 'E'; the receiver checks that the stream ends there. On backup the server then answers
 * with 'S' in the other direction. Each side moves the stream through a {@link BufferPipe}:
 * one thread reads files into large buffers (packing many small records into one) while
 * another sends them, and one thread receives into large buffers while another digests
 * and writes the files.
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
    /**
     * The record stream moves between the socket and the thread that reads or writes files
     * in buffers of this size: each is one send (on the block medium, a large extent), and a
     * file body is read into one, or digested and written from one, in place.
     */
    static final int PIPE_BUFFER = 1 << 20;
    /** Buffers per pipe: one being filled, one being sent or written, and some slack. */
    static final int PIPE_BUFFERS = 4;
    private static final byte[] ZEROS = new byte[64 << 10];
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
     * fewer or more (the file changed), the record is padded or cut and marked changed. The
     * body is read straight into the pipe's buffers and hashed there.
     */
    static Sent writeFile(PipeOutputStream out, String rel, long size, ReadableByteChannel in) throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        writePath(header, FILE, rel);
        header.writeLong(size);
        MessageDigest sha = sha256();
        boolean ended = false;
        for (long left = size; left > 0; ) {
            ByteBuffer room = out.room();
            int start = room.position();
            int limit = room.limit();
            room.limit((int) Math.min(limit, start + left));
            if (!ended && in.read(room) < 0) {
                ended = true;
            }
            if (ended) {
                while (room.hasRemaining()) {
                    room.put(ZEROS, 0, Math.min(room.remaining(), ZEROS.length));
                }
            }
            int n = room.position() - start;
            sha.update(room.duplicate().position(start).limit(start + n));
            room.limit(limit);
            left -= n;
        }
        boolean complete = !ended && in.read(ByteBuffer.allocate(1)) < 0;
        header.writeByte(complete ? STATUS_OK : STATUS_CHANGED);
        byte[] digest = sha.digest();
        header.write(digest);
        return new Sent(complete, digest);
    }

    /** What a file record's tail said, after its body went to {@code sink}. */
    record Received(long size, boolean changed, boolean checksumOk, byte[] sha) {
    }

    /**
     * Reads a file record's size, body (into {@code sink}, from the pipe's buffers in place),
     * status and checksum, checking it.
     */
    static Received readFileBody(PipeInputStream in, WritableByteChannel sink) throws IOException {
        DataInputStream header = new DataInputStream(in);
        long size = header.readLong();
        if (size < 0) {
            throw new CliException(ExitCode.PROTOCOL, "negative file size " + size);
        }
        MessageDigest sha = sha256();
        for (long left = size; left > 0; ) {
            ByteBuffer part = in.slice(left);
            if (part == null) {
                throw new CliException(ExitCode.CONNECTION_LOST, "the data connection ended inside a file");
            }
            left -= part.remaining();
            sha.update(part.duplicate());
            while (part.hasRemaining()) {
                sink.write(part);
            }
        }
        int status = header.readUnsignedByte();
        byte[] theirs = header.readNBytes(SHA_BYTES);
        if (theirs.length != SHA_BYTES) {
            throw new CliException(ExitCode.CONNECTION_LOST, "the data connection ended inside a file");
        }
        byte[] mine = sha.digest();
        return new Received(size, status == STATUS_CHANGED, MessageDigest.isEqual(theirs, mine), mine);
    }

    /** After {@link #END}: the sender ends its output, and nothing may follow. */
    static void expectEndOfStream(PipeInputStream in) throws IOException {
        if (in.read() >= 0) {
            throw new CliException(ExitCode.PROTOCOL, "the peer sent bytes after the end of the tree");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
