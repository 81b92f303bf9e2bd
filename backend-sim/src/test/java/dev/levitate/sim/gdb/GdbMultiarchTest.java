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
    void build() throws Exception {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", missing(GCC));
        ExternalTools.require(GDB + " (apt-get install gdb-multiarch)", missing(GDB));
        Path src = dir.resolve("gdb-target.S");
        try (InputStream in = GdbMultiarchTest.class.getResourceAsStream("/asm/gdb-target.S")) {
            Files.write(src, in.readAllBytes());
        }
        elf = dir.resolve("gdb-target.elf");
        Process p = new ProcessBuilder(GCC, "-nostdlib", "-static", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none",
                "-o", elf.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        image = ElfImage.parse(Files.readAllBytes(elf));
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
        Machine m = new Machine(64L << 20, b -> { }, b -> { }, b -> { });
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
        String out = debug(List.of("watch *(long *)&counter", "continue", "info registers pc", "continue"),
                GdbStub.Ending.DISCONNECTED);
        assertTrue(out.contains("Hardware watchpoint 1: *(long *)&counter"), out);
        assertTrue(out.contains("Old value = 0"), out);
        assertTrue(out.contains("New value = 7"), out);
        // GDB steps the store itself, so it reports the instruction after it: _start+0x18
        assertEquals(symbol("_start") + 0x18, hexAfter("(?m)^pc\\s+0x([0-9a-f]+)", out), out);
        assertTrue(out.contains("exited with code 07"), out);
    }
}
