package io.arraysock.medium;

import com.sun.jna.LastErrorException;
import io.arraysock.medium.internal.NativeConstants;
import io.arraysock.medium.internal.NativeErrors;
import io.arraysock.medium.internal.NativeLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java copy of arraysock.h against the C compiler's: each {@code C_X} id of
 * {@link NativeConstants} must make {@code as_constant} return the Java constant {@code X}.
 */
class NativeLayoutTest {
    private static final String ID_PREFIX = "C_";

    @BeforeAll
    static void load() {
        NativeLayer.ensureLoaded();
    }

    private static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> all = new TreeMap<>();
        for (Field f : NativeConstants.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                all.put(f.getName(), ((Number) f.get(null)).longValue());
            }
        }
        return all;
    }

    @Test
    void everyConstantEqualsTheCLayers() throws IllegalAccessException {
        Map<String, Long> all = constants();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Long> e : all.entrySet()) {
            if (!e.getKey().startsWith(ID_PREFIX)) {
                continue;
            }
            String valueName = e.getKey().substring(ID_PREFIX.length());
            Long javaValue = all.get(valueName);
            long cValue = NativeLayer.as_constant(e.getValue().intValue());
            if (javaValue == null || javaValue != cValue) {
                mismatches.add(valueName + ": Java " + javaValue + ", C " + cValue);
            }
            checked++;
        }
        assertEquals(List.of(), mismatches);
        assertTrue(checked >= 19, "checked only " + checked + " constants");
    }

    @Test
    void everyValueHasAnIdentifier() throws IllegalAccessException {
        Map<String, Long> all = constants();
        for (String name : all.keySet()) {
            if (!name.startsWith(ID_PREFIX)) {
                assertTrue(all.containsKey(ID_PREFIX + name), name + " has no " + ID_PREFIX + name + " to check it by");
            }
        }
    }

    /** Ids are 1..N with no gap, and N + 1 is the C side's AS_C_LAST: neither side has one the other lacks. */
    @Test
    void identifiersCoverEveryCIdentifier() throws IllegalAccessException {
        long[] ids = constants().entrySet().stream().filter(e -> e.getKey().startsWith(ID_PREFIX))
                .mapToLong(Map.Entry::getValue).sorted().toArray();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(i + 1, ids[i], "identifiers must be 1..N without gaps or duplicates");
        }
        LastErrorException e = assertThrows(LastErrorException.class, () -> NativeLayer.as_constant(ids.length + 1));
        assertEquals(NativeErrors.EINVAL, e.getErrorCode());
        assertThrows(LastErrorException.class, () -> NativeLayer.as_constant(0));
    }
}
