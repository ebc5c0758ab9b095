package io.arraysock.cli;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;

/** Whole seconds for timeouts: 0 or more (a negative timeout would mean "forever" by accident). */
public final class SecondsConverter implements ITypeConverter<Long> {
    /** A year: more than any timeout means; larger values are typos, and overflow nanoseconds. */
    static final long MAX = 366L * 24 * 3600;

    @Override
    public Long convert(String value) {
        long s;
        try {
            s = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a number of seconds: " + value);
        }
        if (s < 0 || s > MAX) {
            throw new CommandLine.TypeConversionException("seconds must be in 0.." + MAX + ": " + value);
        }
        return s;
    }
}
