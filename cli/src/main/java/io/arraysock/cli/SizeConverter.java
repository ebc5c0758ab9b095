package io.arraysock.cli;

import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** Parses sizes like {@code 4096}, {@code 64K}, {@code 16M}, {@code 1G} (binary units; a trailing B or iB is fine). */
public final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
        }
        String digits = shift >= 0 ? v.substring(0, v.length() - 1) : v;
        try {
            long n = Long.parseLong(digits);
            if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
                throw new IllegalArgumentException("size out of range: " + value);
            }
            return n << Math.max(shift, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size (examples: 4096, 64K, 16M, 1G): " + value);
        }
    }

    /** Bytes for people: 1.5 GiB, 200.0 MiB, 12 KiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
