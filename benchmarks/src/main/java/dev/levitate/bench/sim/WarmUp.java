package dev.levitate.bench.sim;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How fast the simulator runs an ELF image over time, chunk by chunk, in one JVM: the first
 * chunks show the JIT's warm-up (the interpreter and C1 before C2 has compiled the hot loops, and
 * again after each deoptimization), the later ones the steady state. Output goes to stderr and
 * the guest's output is dropped. Example, with the fast tier and without it:
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.sim.WarmUp bench.elf 25000000
 *   java -Dlevitate.sim.fastTier=false -cp benchmarks/target/benchmarks.jar dev.levitate.bench.sim.WarmUp bench.elf 25000000
 * </pre>
 */
public final class WarmUp {
    private WarmUp() {
    }

    /**
     * Runs the image to its end in chunks and prints each chunk's guest MIPS (wall clock), then the
     * whole run's.
     *
     * @param args the ELF path and the chunk size in instructions
     * @throws IOException if the file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: WarmUp IMAGE.elf INSTRUCTIONS_PER_CHUNK");
            System.exit(2);
        }
        Machine m = new Machine(128L << 20, b -> { }, b -> { }, b -> { });
        m.loadElf(ElfImage.parse(Files.readAllBytes(Path.of(args[0]))));
        long chunk = Long.parseLong(args[1]);
        long start = System.nanoTime();
        long last = start;
        StringBuilder line = new StringBuilder("MIPS per chunk of " + chunk + " instructions:");
        StopKind stop;
        do {
            long before = m.cpu().instructions();
            stop = m.run(chunk);
            long now = System.nanoTime();
            line.append(String.format(" %.0f", (m.cpu().instructions() - before) / ((now - last) / 1e3)));
            last = now;
        } while (stop == StopKind.BUDGET);
        System.err.println(line);
        System.err.printf("%,d instructions, %.1f MIPS in all, stopped: %s%n", m.cpu().instructions(),
                m.cpu().instructions() / ((System.nanoTime() - start) / 1e3), stop);
    }
}
