package dev.levitate.check;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PageWriteObserver;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.Machine;
import dev.levitate.testkit.PageTableArbitraries;
import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitrary;

/**
 * Checks a kernel's page-table code: for each try, a fresh machine with the kernel loaded (and
 * booted to the binding's {@code boot} symbol), its functions bound as a {@link GuestPageTable}, and
 * levitate-testkit's {@link PageTableHarness} running an operation sequence against it with the
 * reference model, the invariants and the TLB model at every step.
 *
 * <pre>{@code
 * class MyKernelProperties {
 *     static final KernelCheck CHECK = KernelCheck.of(Path.of("build/kernel.elf"), Path.of("kernel.binding"));
 *
 *     @Provide Arbitrary<List<PageTableOp>> ops() { return CHECK.sequences(20); }
 *
 *     @Property(tries = 200)
 *     void myKernelAgreesWithTheModel(@ForAll("ops") List<PageTableOp> ops) {
 *         CHECK.run(ops); // an AssertionError names the check ([staleEntry], [breakBeforeMake], ...) and the calls
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe as long as each thread runs its own tries: every {@link #harness()} builds a new
 * machine.
 */
public final class KernelCheck {
    private final ElfImage image;
    private final KernelBinding binding;

    private KernelCheck(ElfImage image, KernelBinding binding) {
        this.image = Objects.requireNonNull(image, "image");
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    /**
     * Creates a check of a parsed kernel image.
     *
     * @param image the kernel ELF, with symbols
     * @param binding its API
     * @return the check
     */
    public static KernelCheck of(ElfImage image, KernelBinding binding) {
        return new KernelCheck(image, binding);
    }

    /**
     * Creates a check from files: a kernel ELF and a binding in its text form.
     *
     * @param elf the kernel
     * @param bindingFile the binding
     * @return the check
     * @throws java.io.UncheckedIOException if a file cannot be read
     * @throws IllegalArgumentException if the binding is malformed
     * @throws dev.levitate.sim.elf.ElfFormatException if the ELF is
     */
    public static KernelCheck of(java.nio.file.Path elf, java.nio.file.Path bindingFile) {
        try {
            return of(ElfImage.parse(java.nio.file.Files.readAllBytes(elf)),
                    KernelBinding.parse(java.nio.file.Files.readString(bindingFile)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Returns the binding.
     *
     * @return the binding
     */
    public KernelBinding binding() {
        return binding;
    }

    /**
     * Loads the kernel into a new machine and boots it as the binding says, without binding it yet.
     *
     * @return the kernel
     * @throws GuestCallException if booting stops anywhere but at the boot symbol
     */
    public GuestKernel load() {
        GuestKernel k = GuestKernel.load(image, PhysicalMemory.of(Machine.RAM_BASE, binding.ramBytes()));
        if (binding.boot() != null) {
            k.runTo(binding.boot(), binding.budget());
        }
        return k;
    }

    /**
     * Builds a fresh machine with the kernel, and a harness over its page-table functions; the
     * table frames come from a buddy allocator over the binding's frame region.
     *
     * @return the harness (its {@code table} is a {@link GuestPageTable})
     * @throws GuestCallException if booting or init fails
     */
    public PageTableHarness harness() {
        GuestKernel k = load();
        PhysicalMemory ram = k.machine().ram();
        PageWriteObserver machineObserver = ram.writeObserver();
        PageTableHarness h = PageTableHarness.builder((memory, frames, tlb) -> new GuestPageTable(k, binding, frames, tlb))
                .memory(ram)
                .allocator(BuddyAllocator.builder().region(binding.framesBase(), binding.framesSize()).build())
                .build();
        // the TLB model took the memory's one write observer: the machine's decoded-code
        // invalidation must keep seeing the stores too
        PageWriteObserver model = ram.writeObserver();
        if (model != machineObserver && machineObserver != null) {
            Cpu cpu = k.machine().cpu();
            GuestTrace trace = k.trace();
            ram.setWriteObserver((pa, length) -> {
                trace.add(GuestTrace.STORE, cpu.pc(), pa);
                model.written(pa, length);
                cpu.invalidateDecoded(pa, length);
            });
        }
        return h;
    }

    /**
     * Runs one sequence on a fresh machine: every step checked by the harness, then by the
     * simulator's own MMU walk ({@link SimulatorWalk}); then everything unmapped and the end state
     * checked (only the root left, every frame back).
     *
     * @param ops the operations
     * @throws AssertionError naming the check that failed ({@code [staleEntry]},
     *     {@code [breakBeforeMake]}, {@code [tlbiBeforeDsb]}, {@code [freedBeforeInvalidate]},
     *     {@code [outcome]}, {@code [simulatorWalk]}, …), the step and the calls so far
     * @throws GuestCallException if a call faulted, hung or broke the calling convention
     */
    public void run(List<PageTableOp> ops) {
        PageTableHarness h = harness();
        GuestKernel k = ((GuestPageTable) h.table).kernel();
        Cpu cpu = k.machine().cpu();
        try {
            for (PageTableOp op : ops) {
                h.step(op);
                try {
                    SimulatorWalk.assertAgrees(cpu, h.table, h.model);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n  after " + op + "\n  operations: " + h.operations(), e);
                }
            }
            h.run(List.of());
        } catch (AssertionError e) {
            String what = k.trace().render(k);
            if (what.isEmpty()) {
                throw e;
            }
            AssertionError out = new AssertionError(e.getMessage() + "\n  the guest's descriptor stores, TLBIs and DSBs in the failing call:"
                    + what, e.getCause());
            out.setStackTrace(e.getStackTrace());
            throw out;
        }
    }

    /**
     * Generated operation sequences of the operations the binding binds, in its half (global and
     * non-global attributes, refused and allocation-failing operations included, as
     * {@link PageTableArbitraries#opSequences(int)}).
     *
     * @param maxSize the longest sequence
     * @return the arbitrary
     */
    public Arbitrary<List<PageTableOp>> sequences(int maxSize) {
        return PageTableArbitraries.opSequences(maxSize)
                .map(ops -> ops.stream().filter(this::bound).map(op -> PageTableArbitraries.moveTo(op, binding.half(), binding.vaBits()))
                        .toList());
    }

    /**
     * A failing sequence, shrunk.
     *
     * @param seed the seed of the search that found it
     * @param tryNumber which try (from 1) failed first
     * @param ops the shrunk call sequence
     * @param message the failure of the shrunk sequence: the check's name in brackets first
     * @param shrinkRuns how many candidate sequences the shrinking ran
     */
    public record Counterexample(long seed, int tryNumber, List<PageTableOp> ops, String message, int shrinkRuns) {
        /**
         * Copies the list.
         *
         * @param seed the {@code seed} component
         * @param tryNumber the {@code tryNumber} component
         * @param ops the {@code ops} component
         * @param message the {@code message} component
         * @param shrinkRuns the {@code shrinkRuns} component
         */
        public Counterexample {
            ops = List.copyOf(ops);
        }
    }

    /**
     * Searches for a failing sequence outside a jqwik property (the command line's
     * {@code levitate check}): {@code tries} sequences from {@link #sequences(int)}, generated from
     * {@code seed}; the first that fails is shrunk with jqwik's own shrinking candidates, keeping a
     * smaller sequence only while it fails with the same check.
     *
     * @param tries how many sequences to try, at least 1
     * @param seed the random seed (the same seed gives the same sequences)
     * @param maxSize the longest sequence
     * @return the shrunk counterexample, or empty if every try passed
     * @throws IllegalArgumentException if tries is below 1
     */
    public java.util.Optional<Counterexample> search(int tries, long seed, int maxSize) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, got " + tries);
        }
        boolean own = !net.jqwik.api.sessions.JqwikSession.isActive();
        if (own) {
            net.jqwik.api.sessions.JqwikSession.start();
        }
        try {
            net.jqwik.api.RandomGenerator<List<PageTableOp>> generator = sequences(maxSize).generator(1000);
            java.util.Random random = new java.util.Random(seed);
            for (int t = 1; t <= tries; t++) {
                net.jqwik.api.Shrinkable<List<PageTableOp>> s = generator.next(random);
                String failure = failure(s.value());
                if (failure != null) {
                    return java.util.Optional.of(shrink(s, failure, seed, t));
                }
            }
            return java.util.Optional.empty();
        } finally {
            if (own) {
                net.jqwik.api.sessions.JqwikSession.finish();
            }
        }
    }

    private Counterexample shrink(net.jqwik.api.Shrinkable<List<PageTableOp>> failing, String message, long seed, int tryNumber) {
        String check = checkName(message);
        int runs = 0;
        boolean smaller = true;
        while (smaller && runs < 2000) {
            smaller = false;
            java.util.Iterator<net.jqwik.api.Shrinkable<List<PageTableOp>>> candidates = failing.shrink().limit(200).iterator();
            while (candidates.hasNext() && runs < 2000) {
                net.jqwik.api.Shrinkable<List<PageTableOp>> c = candidates.next();
                runs++;
                String f = failure(c.value());
                if (f != null && checkName(f).equals(check)) {
                    failing = c;
                    message = f;
                    smaller = true;
                    break;
                }
            }
        }
        return new Counterexample(seed, tryNumber, failing.value(), message, runs);
    }

    /** The first bracketed check name of a failure message, or its first line. */
    private static String checkName(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([A-Za-z]+)\\]").matcher(message);
        return m.find() ? m.group(1) : message.lines().findFirst().orElse("");
    }

    /** The failure of one run, or null if it passed. */
    private String failure(List<PageTableOp> ops) {
        try {
            run(ops);
            return null;
        } catch (AssertionError | GuestCallException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Whether the binding has the function an operation calls. */
    boolean bound(PageTableOp op) {
        KernelBinding.Op needed;
        if (op instanceof PageTableOp.WithAllocationFailure w) {
            return bound(w.op());
        } else if (op instanceof PageTableOp.Map) {
            needed = KernelBinding.Op.MAP;
        } else if (op instanceof PageTableOp.MapRange) {
            needed = KernelBinding.Op.MAP_RANGE;
        } else if (op instanceof PageTableOp.Unmap) {
            needed = KernelBinding.Op.UNMAP;
        } else if (op instanceof PageTableOp.UnmapRange) {
            needed = KernelBinding.Op.UNMAP_RANGE;
        } else {
            needed = KernelBinding.Op.PROTECT;
        }
        return binding.function(needed) != null;
    }
}
