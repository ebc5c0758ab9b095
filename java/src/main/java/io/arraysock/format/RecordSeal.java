package io.arraysock.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The checksum every on-media record ends its header with: CRC32C of the bytes before it,
 * stored little-endian at the record's {@code crcOffset}. A reader re-reads a record whose
 * seal does not match (it may be half-written) and gives up after a few tries.
 */
public final class RecordSeal {
    private RecordSeal() {
    }

    /** CRC32C of {@code record[0, crcOffset)}, record positioned at its start (absolute reads). */
    public static int checksum(ByteBuffer record, int crcOffset) {
        CRC32C crc = new CRC32C();
        crc.update(record.duplicate().position(0).limit(crcOffset));
        return (int) crc.getValue();
    }

    /** Writes the checksum of {@code record[0, crcOffset)} at {@code crcOffset}. */
    public static void seal(ByteBuffer record, int crcOffset) {
        record.putInt(crcOffset, checksum(record, crcOffset));
    }

    public static boolean isSealed(ByteBuffer record, int crcOffset) {
        return record.getInt(crcOffset) == checksum(record, crcOffset);
    }
}
