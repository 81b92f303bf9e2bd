package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cycle model against {@code llvm-mca -mcpu=cortex-a53} on a dozen loop kernels
 * ({@code src/test/resources/dev/levitate/sim/cpu/kernels}): cycles per iteration from the
 * simulator (the difference between runs of {@link #LONG} and {@link #SHORT} iterations, so setup
 * and warm-up cancel) against llvm-mca's Total Cycles / {@link #MCA_ITERATIONS} for the region
 * between the LLVM-MCA markers. Each kernel states its tolerance in a {@code // tolerance:} line:
 * a relative band around llvm-mca, or a {@code ratio} range where the two models differ on
 * purpose (the reason is in docs/cycle-model.md). The table is written to
 * {@code target/cycle-model-vs-llvm-mca.md}; {@code benchmarks/sim/cycle-model-vs-llvm-mca.sh} prints it.
 */
class CycleModelVsLlvmMcaTest {
    static final String[] KERNELS = {
        "alu_chain", "alu_pairs", "shifted_chain", "load_use", "pointer_chase", "mul_chain", "mul_indep",
        "divide", "memcpy", "store_stream", "branch_predictable", "branch_random", "mixed", "loop_overhead",
    };
    static final int SHORT = 1000;
    static final int LONG = 2000;
    static final int MCA_ITERATIONS = 1000;
    static final long SCRATCH = Machine.RAM_BASE + (1 << 20);
    static final Pattern TOLERANCE = Pattern.compile("// tolerance: (?:ratio ([0-9.]+)-([0-9.]+)|([0-9.]+))");
    static final Pattern TOTAL = Pattern.compile("Total Cycles:\\s+(\\d+)");

    @TempDir
    Path dir;

    @Test
    void eachKernelAgreesWithLlvmMcaWithinItsStatedTolerance() throws Exception {
        for (String tool : new String[] {"aarch64-linux-gnu-as", "aarch64-linux-gnu-objcopy", "llvm-mca"}) {
            ExternalTools.require(tool, ExternalTools.missing(tool));
        }
        StringBuilder table = new StringBuilder();
        table.append("| kernel | simulator cycles/iter | llvm-mca cycles/iter | sim / mca | tolerance |\n");
        table.append("|---|---|---|---|---|\n");
        List<String> failures = new ArrayList<>();
        for (String k : KERNELS) {
            String source = resource(k + ".s");
            Path s = dir.resolve(k + ".s");
            Files.writeString(s, source);
            byte[] image = assemble(s);
            double sim = (double) (cyclesFor(image, LONG) - cyclesFor(image, SHORT)) / (LONG - SHORT);
            double mca = mca(s);
            double ratio = sim / mca;
            Matcher t = TOLERANCE.matcher(source);
            assertTrue(t.find(), k + " states no tolerance");
            double lo;
            double hi;
            String band;
            if (t.group(3) != null) {
                double tol = Double.parseDouble(t.group(3));
                lo = 1 - tol;
                hi = 1 + tol;
                band = String.format(Locale.ROOT, "±%.0f%%", tol * 100);
            } else {
                lo = Double.parseDouble(t.group(1));
                hi = Double.parseDouble(t.group(2));
                band = "ratio " + t.group(1) + "–" + t.group(2);
            }
            table.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %s |%n", k, sim, mca, ratio, band));
            if (ratio < lo || ratio > hi) {
                failures.add(String.format(Locale.ROOT, "%s: simulator %.2f vs llvm-mca %.2f cycles/iteration (ratio %.2f, allowed %s)", k, sim, mca, ratio, band));
            }
        }
        Path out = Path.of("target", "cycle-model-vs-llvm-mca.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.print(table);
        assertEquals(List.of(), failures);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = CycleModelVsLlvmMcaTest.class.getResourceAsStream("kernels/" + name)) {
            if (in == null) {
                throw new IOException("no kernel " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    byte[] assemble(Path s) throws IOException, InterruptedException {
        Path o = dir.resolve(s.getFileName() + ".o");
        Path bin = dir.resolve(s.getFileName() + ".bin");
        run("aarch64-linux-gnu-as", s.toString(), "-o", o.toString());
        run("aarch64-linux-gnu-objcopy", "-O", "binary", o.toString(), bin.toString());
        return Files.readAllBytes(bin);
    }

    /** Runs the kernel for some iterations on a fresh machine and returns the cycle count at its BRK. */
    static long cyclesFor(byte[] image, int iterations) {
        Machine m = new Machine(16L << 20, CpuConfig.defaults().withTiming(CpuConfig.Timing.A53), b -> { }, b -> { }, b -> { });
        m.loadRaw(Machine.RAM_BASE, image);
        m.cpu().setPc(Machine.RAM_BASE);
        m.cpu().setReg(20, iterations);
        m.cpu().setReg(28, SCRATCH);
        StopKind stop = m.run(100L * iterations + 1000);
        assertEquals(StopKind.BREAKPOINT, stop, "the kernel must end at its brk #0");
        return m.cpu().cycles();
    }

    double mca(Path s) throws IOException, InterruptedException {
        String out = run("llvm-mca", "-mtriple=aarch64", "-mcpu=cortex-a53", "-iterations=" + MCA_ITERATIONS, s.toString());
        Matcher m = TOTAL.matcher(out);
        assertTrue(m.find(), "no Total Cycles in llvm-mca's output:\n" + out);
        return Double.parseDouble(m.group(1)) / MCA_ITERATIONS;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertEquals(0, rc, String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    /** The tool lookups of this test, for the skip message. */
    static Optional<String> missing(String tool) {
        return ExternalTools.missing(tool);
    }
}
