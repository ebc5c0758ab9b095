package io.arraysock.net;

import java.util.Locale;

/** What a routing rule does when its array cannot be used. */
public enum RoutePolicy {
    /** The array or nothing: an absent array or a refusal is the caller's error. */
    ARRAY_ONLY("array-only"),
    /** The array when it is there and accepts; otherwise TCP to the original address. */
    PREFER_ARRAY("prefer-array"),
    /** TCP always (to exempt addresses from a broader rule below, first match wins). */
    TCP_ONLY("tcp-only");

    private final String word;

    RoutePolicy(String word) {
        this.word = word;
    }

    /** How rules files spell it. */
    public String word() {
        return word;
    }

    static RoutePolicy parse(String s) {
        for (RoutePolicy p : values()) {
            if (p.word.equals(s.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + s + "' (array-only, prefer-array, tcp-only)");
    }
}
