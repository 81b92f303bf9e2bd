package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PageTableCommandTest {

    private static String[] run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void theExampleSpacePrintsAndItsStackUnmapFreesItsL3AndL2() {
        Path file = Path.of("../examples/pagetables/user-space.txt");
        String[] r = run("pagetable", file.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("block 2M 0x0000_0000_4120_0000"), r[1]);
        String[] u = run("pagetable", "--unmap", "0x7f_ffff_f000", file.toString());
        assertEquals("0", u[0], u[2]);
        assertTrue(u[1].contains("TLBI VAE1IS va=0x0000_007f_ffff_f000 asid=5"), u[1]);
        String freed = u[1].substring(u[1].indexOf("Tables freed"), u[1].indexOf("PageTable["));
        assertTrue(freed.contains("L3 table") && freed.contains("L2 table"), freed);
        assertTrue(!freed.contains("L1 table"), "the L1 table still maps the rest of the space: " + freed);
        String[] d = run("pagetable", "--dot", file.toString());
        assertTrue(d[1].startsWith("digraph pagetable"), d[1]);
    }

    @Test
    void mistakesNameTheLine() throws Exception {
        Path f = Files.createTempFile("space", ".txt");
        Files.writeString(f, "space lower 48 asid 5\nmap 0x1000 0x4000_0000 user-dta\n");
        String[] r = run("pagetable", f.toString());
        CommandErrorsTest.oneLineError(r, 1, "pagetable", f.toString());
        assertTrue(r[2].contains("line 2: unknown attributes 'user-dta'"), r[2]);
        Files.writeString(f, "map 0x1001 0x4000_0000 user-data\n");
        r = run("pagetable", f.toString());
        CommandErrorsTest.oneLineError(r, 1, "pagetable", f.toString());
        assertTrue(r[2].contains("not 4 KiB aligned"), r[2]);
    }
}
