package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.a64.A64;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/** {@link Ops} must mirror the encoding table, row for row (the execute switches rely on it). */
class OpsTest {
    @Test
    void everyConstantIsItsRowsOrdinal() throws Exception {
        int fields = 0;
        for (Field f : Ops.class.getDeclaredFields()) {
            if (f.getType() == int.class) {
                assertEquals(A64.valueOf(f.getName()).ordinal(), f.getInt(null), f.getName());
                fields++;
            }
        }
        assertEquals(A64.values().length, fields, "one constant per row");
    }
}
