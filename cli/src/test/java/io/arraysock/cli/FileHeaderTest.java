package io.arraysock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The file protocol's header as {@code recv} reads it from an untrusted peer: every bad
 * header is a {@link CliException} of {@link ExitCode#PROTOCOL} with a message that says
 * what is wrong, never an EOFException, a stack trace, a huge allocation or a wait for bytes
 * that a refusal does not need.
 */
class FileHeaderTest {
    @TempDir
    Path tmp;

    private static byte[] header(int magic, byte[] name, long size) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(magic);
        out.writeShort(name.length);
        out.write(name);
        out.writeLong(size);
        return b.toByteArray();
    }

    private static byte[] header(String name, long size) throws IOException {
        return header(FileHeader.MAGIC, name.getBytes(StandardCharsets.UTF_8), size);
    }

    private static FileHeader read(byte[] bytes) throws IOException {
        return FileHeader.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    /** The refusal for {@code bytes}; its message must contain {@code says}. */
    private static CliException refused(byte[] bytes, String says) {
        CliException e = assertThrows(CliException.class, () -> read(bytes));
        assertEquals(ExitCode.PROTOCOL, e.exitCode(), e::toString);
        assertTrue(e.getMessage().contains(says), () -> "expected '" + says + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void aHeaderRoundTrips() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new FileHeader("report ü.pdf", 12345).write(new DataOutputStream(b));
        assertEquals(new FileHeader("report ü.pdf", 12345), read(b.toByteArray()));
        assertEquals(FileHeader.FIXED_BYTES + "report ü.pdf".getBytes(StandardCharsets.UTF_8).length, b.size());
    }

    @Test
    void aHeaderCutShortAnywhereSaysWhereItEnded() throws IOException {
        byte[] whole = header("data.bin", 1 << 20);
        for (int cut = 0; cut < whole.length; cut++) {
            refused(Arrays.copyOf(whole, cut), "the file header ended after " + cut + " bytes");
        }
    }

    @Test
    void anotherProgramOrAnotherVersionIsNamed() throws IOException {
        refused("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "is not 'arraysock send' (its first bytes: 47455420)");
        refused(new byte[] {0, 0, 0}, "ended after 3 bytes"); // too short to tell
        refused(new byte[] {(byte) 0xff, 1, 2, 3}, "is not 'arraysock send'"); // known as foreign at once, not read on
        refused(header(0x41534631, "a".getBytes(StandardCharsets.UTF_8), 1), "file protocol version 1, this recv speaks 2");
        refused(header(0x41534633, "a".getBytes(StandardCharsets.UTF_8), 1), "file protocol version 3");
        refused(header(0x41534600, "a".getBytes(StandardCharsets.UTF_8), 1), "file protocol version \\x00");
    }

    /** The length is refused before the name is read: nothing is allocated or waited for on its say-so. */
    @Test
    void aNameLengthOverTheLimitIsRefusedBeforeTheNameIsRead() {
        byte[] lengthOnly = ByteBuffer.allocate(6).putInt(FileHeader.MAGIC).putShort((short) 0xffff).array();
        InputStream endless = new InputStream() { // a peer that would send 'a' forever after the length
            private int at;

            @Override
            public int read() {
                return at < lengthOnly.length ? lengthOnly[at++] & 0xff : 'a';
            }
        };
        CliException e = assertThrows(CliException.class, () -> FileHeader.read(new DataInputStream(endless)));
        assertEquals(ExitCode.PROTOCOL, e.exitCode());
        assertTrue(e.getMessage().contains("a file name of 65535 bytes (at most " + FileHeader.MAX_NAME_BYTES + ")"),
                e.getMessage());
    }

    @Test
    void theLongestNameFitsAndOneByteMoreIsRefused() throws IOException {
        String longest = "n".repeat(FileHeader.MAX_NAME_BYTES);
        assertEquals(longest, read(header(longest, 1)).name());
        refused(header(longest + "n", 1), "a file name of " + (FileHeader.MAX_NAME_BYTES + 1) + " bytes");
        // and the sender cannot write one
        assertThrows(IllegalArgumentException.class, () -> new FileHeader(longest + "n", 1)
                .write(new DataOutputStream(new ByteArrayOutputStream())));
        // recv's partial file (".NAME.<random>.part") for the longest name can still be created
        for (int i = 0; i < 20; i++) {
            Files.delete(Files.createTempFile(tmp, "." + longest + ".", ".part"));
        }
    }

    /** recv stores the file under DIR/NAME: a name that is a path, or that is not printable, is refused. */
    @Test
    void aNameThatIsNotAPlainFileNameIsRefused() throws IOException {
        for (String bad : new String[] {"", ".", "..", "../etc/passwd", "/etc/passwd", "dir/file", "a\0b", "line\nbreak",
                "\u001b[31mred", "tab\there"}) {
            CliException e = refused(header(bad, 1), "refused header: not a plain file name");
            assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), "printed raw: " + e.getMessage());
        }
        refused(header(FileHeader.MAGIC, new byte[] {'a', (byte) 0xc3, 'b'}, 1), "not valid UTF-8");
        refused(header(FileHeader.MAGIC, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 1), "not valid UTF-8"); // a lone surrogate
        // a dot file or a name with spaces is a plain name
        assertEquals(".profile", read(header(".profile", 1)).name());
        assertEquals("..hidden", read(header("..hidden", 1)).name());
    }

    @Test
    void aNegativeSizeIsRefusedAndAHugeOneIsLeftToTheSpaceCheck() throws IOException {
        refused(header("a", -1), "refused header: negative size: -1");
        refused(header("a", Long.MIN_VALUE), "negative size");
        assertEquals(Long.MAX_VALUE, read(header("a", Long.MAX_VALUE)).size()); // recv refuses it: too little space
    }

    @Test
    void aRefusalCutShortIsAProtocolError() throws IOException {
        for (byte[] cut : new byte[][] {{}, {9}, {9, 0}}) {
            CliException e = assertThrows(CliException.class,
                    () -> FileHeader.readRefusal(new DataInputStream(new ByteArrayInputStream(cut))));
            assertEquals(ExitCode.PROTOCOL, e.exitCode());
            assertTrue(e.getMessage().contains("its answer ended after " + (1 + cut.length) + " bytes"), e.getMessage());
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        FileHeader.writeRefusal(new DataOutputStream(b), ExitCode.NO_SPACE, "full\n");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b.toByteArray()));
        assertEquals(FileHeader.REFUSED, in.read());
        CliException r = FileHeader.readRefusal(in);
        assertEquals(ExitCode.NO_SPACE, r.exitCode());
        assertEquals("the receiver refused: full ", r.getMessage());
    }
}
