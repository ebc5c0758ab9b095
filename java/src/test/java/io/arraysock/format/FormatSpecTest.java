package io.arraysock.format;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/FORMAT.md is normative: every row of its layout tables must match a descriptor
 * constant, so the spec and the code cannot drift apart. For each table row (offset,
 * size, field) the field's name gives the constant ({@code "tx ring capacity"} →
 * {@code TX_RING_CAPACITY_OFFSET}); its size must agree with the {@code _LENGTH} constant
 * where the descriptor has one, and with the type the row names ({@code u16}, {@code u32},
 * {@code u64}); rows must not overlap; and in the live-word table a tx word is written by
 * the sender and an rx word by the receiver. Conversely every {@code _OFFSET} constant of
 * the descriptor must appear in the spec.
 */
class FormatSpecTest {
    private static final Path SPEC = Path.of("..", "docs", "FORMAT.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*([^|]*?)\\s*\\|\\s*([^|]+?)\\s*\\|(.*)$");
    private static final Pattern TYPE = Pattern.compile("`u(8|16|32|64)`");
    /** Spec names whose constant is not the mechanical one. */
    private static final Map<String, String> ALIASES = Map.of(
            "CRC32C", "CRC",
            "CONNECT_REQUESTS_POSTED", "CONNECT_REQUESTS",
            "CONNECT_ANSWERS_POSTED", "CONNECT_ANSWERS",
            "RESERVED_(NODE_LAYER)", "NODE_RESERVED",
            "REQUIRED_SIZE", "REQUIRED_SIZE");

    /** One row of a layout table. */
    private record Row(int offset, Integer size, String field, String rest) {
    }

    @Test
    void superblockTableMatchesTheDescriptor() throws IOException {
        check("## Superblock", SuperblockDescriptor.class, List.of());
    }

    @Test
    void nodeRecordTableMatchesTheDescriptor() throws IOException {
        // the socket layer's area starts with the bell; "to end of sector" rows are reserved tails
        check("## Node record", NodeRecordDescriptor.class, List.of("SOCKET_AREA_OFFSET"));
    }

    @Test
    void controlBlockTablesMatchTheDescriptor() throws IOException {
        check("## Control blocks and rings", ControlBlockDescriptor.class, List.of());
    }

    @Test
    void nodeCountersTableMatchesTheDescriptor() throws IOException {
        check("### Node counters", NodeCountersDescriptor.class, List.of());
        assertEquals(NodeRecordDescriptor.COUNTERS_LENGTH, NodeCountersDescriptor.AREA_LENGTH);
        assertEquals(NodeRecordDescriptor.COUNTERS_OFFSET, NodeCountersDescriptor.CONNECTS_OFFSET);
    }

    @Test
    void errorLogTablesMatchTheDescriptor() throws IOException {
        List<String> header = List.of("LOG_OFFSET_OFFSET", "INCARNATION_OFFSET", "PUBLISHES_OFFSET", "OCCURRENCES_OFFSET",
                "EVICTED_OFFSET");
        List<String> entry = List.of("MAGIC_OFFSET", "KIND_OFFSET", "MESSAGE_LENGTH_OFFSET", "ARRAY_TAG_OFFSET",
                "ENTRY_INCARNATION_OFFSET", "KEY_OFFSET", "COUNT_OFFSET", "FIRST_OFFSET", "LAST_OFFSET",
                "ENTRY_RESERVED_OFFSET", "CRC_OFFSET", "MESSAGE_OFFSET");
        check("### Distinct-error log", ErrorLogDescriptor.class, entry, header.size());
        List<String> notInEntryTable = new ArrayList<>(header);
        notInEntryTable.add("ENTRY_RESERVED_OFFSET"); // the "reserved" row
        check("### Error log entries", ErrorLogDescriptor.class, notInEntryTable, 12);
        assertEquals(NodeRecordDescriptor.ERROR_LOG_HEADER_LENGTH, ErrorLogDescriptor.HEADER_LENGTH);
        assertEquals(ErrorLogDescriptor.LOG_LENGTH, ErrorLogDescriptor.ENTRIES * ErrorLogDescriptor.ENTRY_LENGTH);
        assertTrue(ErrorLogDescriptor.HEADER_END <= 512, "the header fits a 512-byte node record");
    }

    @Test
    void socketCountersTableMatchesTheDescriptor() throws IOException {
        check("### Socket counters", SocketCountersDescriptor.class, List.of());
        assertEquals(ControlBlockDescriptor.LENGTH, SocketCountersDescriptor.AREA_START + SocketCountersDescriptor.AREA_LENGTH,
                "the counters end the block's 512 bytes");
        assertTrue(SocketCountersDescriptor.AREA_START >= ControlBlockDescriptor.RX_WAITING_OFFSET + ControlBlockDescriptor.CACHE_LINE,
                "the counters are off the live words' lines");
    }

    @Test
    void chunkRecordTableMatchesTheDescriptor() throws IOException {
        check("### Chunk records (block medium, and checksummed connections on shm)", ChunkDescriptor.class, List.of());
    }

    @Test
    void frameTableMatchesTheDescriptor() throws IOException {
        check("### Frames (seqpacket on shm)", FrameDescriptor.class, List.of(), 2);
        assertEquals(FrameDescriptor.HEADER_LENGTH, FrameDescriptor.PAYLOAD_OFFSET, "the payload follows the header");
        assertEquals(8, FrameDescriptor.frameLength(0));
        assertEquals(16, FrameDescriptor.frameLength(1));
        assertEquals(16, FrameDescriptor.frameLength(8));
        assertEquals(24, FrameDescriptor.frameLength(9));
    }

    /** RingEnd addresses both groups of live words with the same relative offsets. */
    @Test
    void rxGroupIsLaidOutLikeTheTxGroup() {
        assertEquals(ControlBlockDescriptor.TX_FLAGS_OFFSET - ControlBlockDescriptor.TX_TAIL_OFFSET,
                ControlBlockDescriptor.RX_FLAGS_OFFSET - ControlBlockDescriptor.RX_HEAD_OFFSET);
        assertEquals(ControlBlockDescriptor.TX_EVENTS_OFFSET - ControlBlockDescriptor.TX_TAIL_OFFSET,
                ControlBlockDescriptor.RX_EVENTS_OFFSET - ControlBlockDescriptor.RX_HEAD_OFFSET);
        assertEquals(ControlBlockDescriptor.TX_WAITING_OFFSET - ControlBlockDescriptor.TX_TAIL_OFFSET,
                ControlBlockDescriptor.RX_WAITING_OFFSET - ControlBlockDescriptor.RX_HEAD_OFFSET);
        assertTrue(ControlBlockDescriptor.RX_WAITING_OFFSET + Integer.BYTES <= ControlBlockDescriptor.LENGTH,
                "the live words fit the layout's 512 bytes");
    }

    @Test
    void liveWordsAreWrittenByTheirDirection() throws IOException {
        List<Row> rows = rows(section("## Control blocks and rings"));
        int live = 0;
        for (Row r : rows) {
            if (r.offset() < ControlBlockDescriptor.HEADER_LENGTH) {
                continue;
            }
            live++;
            String writer = r.rest().split("\\|")[0].trim();
            if (r.field().startsWith("tx ")) {
                assertEquals("sender", writer, "written by, for " + r.field());
            } else if (r.field().startsWith("rx ")) {
                assertEquals("receiver", writer, "written by, for " + r.field());
            } else {
                fail("a live word that is neither tx nor rx: " + r.field());
            }
        }
        assertTrue(live >= 8, "found only " + live + " live-word rows in FORMAT.md");
    }

    private static void check(String heading, Class<?> descriptor, List<String> notInSpec) throws IOException {
        check(heading, descriptor, notInSpec, 8);
    }

    private static void check(String heading, Class<?> descriptor, List<String> notInSpec, int minRows) throws IOException {
        Map<String, Integer> constants = intConstants(descriptor);
        List<Row> rows = rows(section(heading));
        assertTrue(rows.size() >= minRows, "found only " + rows.size() + " table rows under '" + heading + "' in " + SPEC);
        List<String> problems = new ArrayList<>();
        List<String> matched = new ArrayList<>();
        Row previous = null;
        for (Row r : rows) {
            String name = constantName(r.field());
            if (r.field().startsWith("reserved") && (r.size() == null || !constants.containsKey(name + "_OFFSET"))) {
                name = null; // a reserved gap or tail the descriptor leaves unnamed
            }
            if (name != null) {
                Integer offset = constants.get(name + "_OFFSET");
                if (offset == null) {
                    problems.add("'" + r.field() + "' at " + r.offset() + ": no constant " + name + "_OFFSET in "
                            + descriptor.getSimpleName());
                } else {
                    matched.add(name + "_OFFSET");
                    if (offset != r.offset()) {
                        problems.add(name + "_OFFSET is " + offset + ", the spec says " + r.offset());
                    }
                }
                Integer length = constants.get(name + "_LENGTH");
                if (length != null && r.size() != null && !length.equals(r.size())) {
                    problems.add(name + "_LENGTH is " + length + ", the spec says " + r.size());
                }
            }
            Matcher type = TYPE.matcher(r.rest());
            if (type.find() && r.size() != null && r.rest().trim().startsWith("`u")
                    && Integer.parseInt(type.group(1)) / 8 != r.size()) {
                problems.add("'" + r.field() + "' is a " + type.group() + " but " + r.size() + " bytes long");
            }
            if (previous != null && previous.size() != null && previous.offset() + previous.size() > r.offset()) {
                problems.add("'" + previous.field() + "' [" + previous.offset() + ", +" + previous.size()
                        + ") overlaps '" + r.field() + "' at " + r.offset());
            }
            if (previous != null && r.offset() < previous.offset()) {
                problems.add("rows out of order: '" + r.field() + "' at " + r.offset() + " after " + previous.offset());
            }
            previous = r;
        }
        for (String c : constants.keySet()) {
            if (c.endsWith("_OFFSET") && !matched.contains(c) && !notInSpec.contains(c)
                    && !constants.get(c).equals(constants.get(c.replace("_OFFSET", "_ALIAS")))) {
                problems.add(descriptor.getSimpleName() + "." + c + " = " + constants.get(c) + " is not in the spec's table");
            }
        }
        assertTrue(problems.isEmpty(), () -> heading + " in " + SPEC + " and " + descriptor.getSimpleName()
                + " disagree:\n  " + String.join("\n  ", problems));
    }

    /** "tx ring capacity" → TX_RING_CAPACITY; "control-block table offset" → CONTROL_BLOCK_TABLE_OFFSET. */
    static String constantName(String field) {
        String n = field.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        return ALIASES.getOrDefault(n, n);
    }

    private static String section(String heading) throws IOException {
        String spec = Files.readString(SPEC);
        int start = spec.indexOf("\n" + heading);
        assertTrue(start >= 0, "no section '" + heading + "' in " + SPEC);
        // a section ends at the next heading of its level or above (a "###" inside a "##" ends it too)
        int end = nextHeading(spec, start + heading.length() + 1);
        return end < 0 ? spec.substring(start) : spec.substring(start, end);
    }

    private static int nextHeading(String spec, int from) {
        int two = spec.indexOf("\n## ", from);
        int three = spec.indexOf("\n### ", from);
        return two < 0 ? three : three < 0 ? two : Math.min(two, three);
    }

    private static List<Row> rows(String section) {
        List<Row> rows = new ArrayList<>();
        for (String line : section.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String size = m.group(2).trim();
                rows.add(new Row(Integer.parseInt(m.group(1)), size.matches("\\d+") ? Integer.valueOf(size) : null,
                        m.group(3).trim(), m.group(4)));
            }
        }
        return rows;
    }

    private static Map<String, Integer> intConstants(Class<?> descriptor) {
        Map<String, Integer> constants = new LinkedHashMap<>();
        for (Field f : descriptor.getFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == int.class) {
                try {
                    constants.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return constants;
    }
}
