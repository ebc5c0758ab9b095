package io.arraysock.format;

import io.arraysock.api.CorruptMediumException;

/**
 * Range checks of values read from the medium, in {@code long} arithmetic so that an
 * unsigned 32-bit field never wraps into a plausible negative; a failure names the
 * structure, the field and the value.
 */
final class FieldCheck {
    private final String path;
    private final String structure;

    FieldCheck(String path, String structure) {
        this.path = path;
        this.structure = structure;
    }

    CorruptMediumException corrupt(String field, Object value, String rule) {
        return new CorruptMediumException(path, structure + " field '" + field + "' is " + value + ": " + rule);
    }

    long inRange(String field, long value, long min, long max) throws CorruptMediumException {
        if (value < min || value > max) {
            throw corrupt(field, value, "must be in " + min + ".." + max);
        }
        return value;
    }

    long equal(String field, long value, long expected, String why) throws CorruptMediumException {
        if (value != expected) {
            throw corrupt(field, value, "must be " + expected + " (" + why + ")");
        }
        return value;
    }

    CorruptMediumException checksum(int stored, int computed) {
        return new CorruptMediumException(path, structure + " checksum mismatch: stored 0x"
                + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed));
    }

    static long u32(int value) {
        return Integer.toUnsignedLong(value);
    }

    static long u16(short value) {
        return Short.toUnsignedLong(value);
    }
}
