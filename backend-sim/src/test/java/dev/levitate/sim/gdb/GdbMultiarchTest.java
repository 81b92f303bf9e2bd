package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: Debian's {@code gdb-multiarch}, in batch mode, debugging an image built by the GNU
 * cross toolchain ({@code src/test/resources/asm/gdb-target.S}) on the stub.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GdbMultiarchTest {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final String GDB = "gdb-multiarch";

    @TempDir
    Path dir;
    private Path elf;
    private ElfImage image;

    static Optional<String> missing(String tool) {
        return ExternalTools.missing(tool);
    }

    @BeforeEach
    void tools() {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", missing(GCC));
        ExternalTools.require(GDB + " (apt-get install gdb-multiarch)", missing(GDB));
    }

    /** Builds {@code src/test/resources/asm/NAME.S} with these link options into {@link #elf}. */
    void build(String name, String... linkOptions) throws Exception {
        Path src = dir.resolve(name + ".S");
        try (InputStream in = GdbMultiarchTest.class.getResourceAsStream("/asm/" + name + ".S")) {
            Files.write(src, in.readAllBytes());
        }
        elf = dir.resolve(name + ".elf");
        List<String> cmd = new ArrayList<>(List.of(GCC, "-nostdlib", "-static", "-Wl,--build-id=none"));
        for (String o : linkOptions) {
            cmd.add(o);
        }
        cmd.addAll(List.of("-o", elf.toString(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        image = ElfImage.parse(Files.readAllBytes(elf));
    }

    /** The linker script {@code asm/NAME}, copied next to the sources. */
    Path resource(String name) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = GdbMultiarchTest.class.getResourceAsStream("/asm/" + name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    void buildGdbTarget() throws Exception {
        build("gdb-target", "-Wl,-Ttext=0x40080000");
    }

    long symbol(String name) {
        for (Map.Entry<Long, String> e : image.symbols().entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        throw new AssertionError("no symbol " + name + " in " + image.symbols());
    }

    /** The 32-bit word at {@code address} in the image's loaded bytes. */
    int wordAt(long address) {
        for (ElfImage.Segment s : image.segments()) {
            if (address >= s.address() && address + 4 <= s.address() + s.bytes().length) {
                int o = (int) (address - s.address());
                byte[] b = s.bytes();
                return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
            }
        }
        throw new AssertionError("0x" + Long.toHexString(address) + " is not in the image");
    }

    /** Serves the image on a free port, runs gdb with these commands, returns its output. */
    String debug(List<String> commands, GdbStub.Ending expected) throws Exception {
        return debug(new Machine(64L << 20, b -> { }, b -> { }, b -> { }), commands, expected);
    }

    /** {@link #debug(List, GdbStub.Ending)} on a given machine (left as the session ends). */
    String debug(Machine m, List<String> commands, GdbStub.Ending expected) throws Exception {
        m.loadElf(image);
        try (GdbStub stub = GdbStub.listen(m, 0)) {
            CompletableFuture<GdbStub.Ending> ending = CompletableFuture.supplyAsync(() -> {
                try {
                    return stub.serve();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r -> new Thread(r, "gdb-stub").start());
            List<String> cmd = new ArrayList<>(List.of(GDB, "-batch", "-nx",
                    "-ex", "set architecture aarch64",
                    "-ex", "target remote :" + stub.port()));
            for (String c : commands) {
                cmd.add("-ex");
                cmd.add(c);
            }
            cmd.add(elf.toString());
            Process gdb = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            gdb.getOutputStream().close();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!gdb.waitFor(60, TimeUnit.SECONDS)) {
                gdb.destroyForcibly();
                throw new AssertionError("gdb-multiarch did not finish in 60 s");
            }
            String out = output.get(10, TimeUnit.SECONDS);
            assertEquals(expected, ending.get(10, TimeUnit.SECONDS), out);
            return out;
        }
    }

    static long hexAfter(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), () -> "no match for " + regex + " in:\n" + text);
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    @Test
    void gdbStopsAtASymbolStepsReadsMemoryAndSeesTheExitCode() throws Exception {
        buildGdbTarget();
        long addTwo = symbol("add_two");
        long start = symbol("_start");
        String out = debug(List.of("break *add_two", "continue", "stepi", "info registers pc",
                "x/4wx _start", "continue"), GdbStub.Ending.DISCONNECTED);
        assertTrue(out.contains(String.format("Breakpoint 1, 0x%016x in add_two ()", addTwo)), out);
        assertEquals(addTwo + 4, hexAfter("(?m)^pc\\s+0x([0-9a-f]+)", out), out);
        StringBuilder words = new StringBuilder(String.format("0x%x <_start>:", start));
        for (int i = 0; i < 4; i++) {
            words.append(String.format("\t0x%08x", wordAt(start + 4L * i)));
        }
        assertTrue(out.contains(words), "expected " + words + " in:\n" + out);
        assertTrue(out.contains("[Inferior 1 (Remote target) exited with code 07]"), out);
    }

    @Test
    void aWatchpointShowsTheOldAndNewValueAtTheStore() throws Exception {
        buildGdbTarget();
        String out = debug(List.of("watch *(long *)&counter", "continue", "info registers pc", "continue"),
                GdbStub.Ending.DISCONNECTED);
        assertTrue(out.contains("Hardware watchpoint 1: *(long *)&counter"), out);
        assertTrue(out.contains("Old value = 0"), out);
        assertTrue(out.contains("New value = 7"), out);
        // GDB steps the store itself, so it reports the instruction after it: _start+0x18
        assertEquals(symbol("_start") + 0x18, hexAfter("(?m)^pc\\s+0x([0-9a-f]+)", out), out);
        assertTrue(out.contains("exited with code 07"), out);
    }

    /**
     * Issue 20's check: a higher-half kernel (asm/higher-half.S, linked by asm/higher-half.ld at
     * 0xffff0000_4010_0000): break on a virtual symbol, read its stack through the MMU, read
     * SCTLR_EL1 and TTBR1_EL1, see cpsr's EL, {@code monitor tlb}, {@code rwatch}, and step into
     * the exception vector an SVC takes.
     */
    @Test
    void aHigherHalfKernelIsDebuggedThroughItsTranslation() throws Exception {
        build("higher-half", "-T", resource("higher-half.ld").toString());
        long addTwo = symbol("add_two");
        long counter = symbol("counter");
        assertEquals(0xffff_0000_4010_0000L, symbol("kernel_main"), "linked in the upper half");
        Machine m = new Machine(64L << 20, b -> { }, b -> { }, b -> { });
        String out = debug(m, List.of(
                "break add_two", "continue",
                "x/2gx $sp",
                "p/x $SCTLR_EL1", "p/x $TTBR1_EL1", "p/x $CurrentEL", "info registers cpsr",
                "monitor tlb", "monitor pagetable ttbr1",
                "delete",
                "rwatch *(long *)&counter", "continue", "info registers pc",
                "delete",
                "break *do_svc", "continue", "stepi", "info registers pc", "p/x $ESR_EL1", "p/x $ELR_EL1",
                "monitor phys on", "x/1gx 0x" + Long.toHexString(counter - 0xffff_0000_0000_0000L), "monitor phys off",
                "x/1gx &counter",
                "delete", "continue"), GdbStub.Ending.DISCONNECTED);
        assertTrue(out.contains(String.format("Breakpoint 1, 0x%016x in add_two ()", addTwo)), out);
        assertTrue(out.matches("(?s).*0x[0-9a-f]+:\\s+0x0000000000001234\\s+0x0000000000005678.*"), "the stack, through TTBR1:\n" + out);
        long sctlr = hexAfter("(?m)^\\$1 = 0x([0-9a-f]+)", out);
        assertEquals(1, sctlr & 1, "SCTLR_EL1.M is set");
        assertEquals(symbol("l0_high"), hexAfter("(?m)^\\$2 = 0x([0-9a-f]+)", out), "TTBR1_EL1 points at the kernel's L0 table");
        assertEquals(4, hexAfter("(?m)^\\$3 = 0x([0-9a-f]+)", out), "CurrentEL: EL1");
        assertTrue(out.matches("(?s).*cpsr\\s+0x3c5\\s+\\[ SP EL=1 F I A D \\].*"), "cpsr with its fields:\n" + out);
        assertTrue(out.contains("TLB, "), out);
        assertTrue(out.contains(String.format("va 0x%016x -> pa 0x%010x global  size 1G L1", addTwo & ~0xFFFL, (addTwo & ~0xFFFL) - 0xffff_0000_0000_0000L)),
                "the kernel's page in the TLB:\n" + out);
        assertTrue(out.contains("L1[1] va 0xffff000040000000..0xffff00007fffffff block -> 0x0040000000"), "the TTBR1 tree:\n" + out);
        assertTrue(out.contains("Hardware read watchpoint 2: *(long *)&counter"), out);
        assertTrue(out.contains("Value = 0"), out);
        // the stub stops before the ldr, as the hardware would; GDB steps it and shows the next pc
        assertEquals(symbol("kernel_main") + 0x2c, hexAfter("(?m)^pc\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+ <kernel_main\\+44>", out), out);
        assertEquals(symbol("do_svc"), hexAfter("Breakpoint 3, 0x([0-9a-f]+) in kernel_main", out), out);
        assertEquals(symbol("el1h_sync"), hexAfter("(?m)^pc\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+ <el1h_sync>", out), "stepped into the vector:\n" + out);
        assertEquals(0x5600_0042L, hexAfter("(?m)^\\$4 = 0x([0-9a-f]+)", out), "ESR_EL1: SVC #0x42");
        assertEquals(symbol("do_svc") + 4, hexAfter("(?m)^\\$5 = 0x([0-9a-f]+)", out), "ELR_EL1: after the SVC");
        String physical = String.format("0x%x:\t0x0000000000000007", counter - 0xffff_0000_0000_0000L);
        assertTrue(out.contains(physical), "the counter at its physical address under 'monitor phys on':\n" + out);
        assertTrue(out.contains(String.format("0x%016x:\t0x0000000000000007", counter)), "and at its virtual one:\n" + out);
        assertTrue(out.contains("exited with code 07"), out);
        assertEquals(m.cpu().systemRegister(dev.levitate.a64.SystemRegister.SCTLR_EL1), sctlr, "GDB's SCTLR_EL1 is the core's");
    }
}
