package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryTourCommandTest {

    private static String[] run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void demoRunsAndShowsEveryRejectedFree() {
        String[] r = run("tour");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        assertTrue(out.contains("WrongOrderException"), out);
        assertTrue(out.contains("ReservedFrameException"), out);
        assertTrue(out.contains("ForeignFrameException"), out);
        assertTrue(out.contains("DoubleFreeException"), out);
        assertTrue(out.contains("All frames back: 32256 free, 0 used"), out);
        assertTrue(out.contains("MappingConflictException"), out);
        assertTrue(out.contains("TLBI VAE1IS va=0x0000_0000_1234_5000 asid=5"), out);
        assertTrue(out.contains("free L2 table"), out);
        assertTrue(out.indexOf("TLBI VAE1IS va=0x0000_0000_1234_5000") < out.indexOf("free L3 table"), "free only after invalidate");
        assertTrue(out.contains("Allocator: 32256 frames free, as before the address space existed (32256). Nothing leaked."), out);
    }

    @Test
    void badOptionIsAClearUsageError() {
        String[] r = run("tour", "--ram-mib", "1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--ram-mib must be 4..4096"), r[2]);
    }

    @Test
    void helpListsTheSubcommands() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("tour"), r[1]);
    }
}
