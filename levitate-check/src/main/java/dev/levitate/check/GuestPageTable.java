package dev.levitate.check;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.AddressRangeException;
import dev.levitate.mmu.AlreadyMappedException;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MappingConflictException;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.MisalignedAddressException;
import dev.levitate.mmu.NotMappedException;
import dev.levitate.mmu.PageTableOutOfMemoryException;
import dev.levitate.a64.SystemRegister;
import dev.levitate.testkit.TableWalk;
import dev.levitate.testkit.TestablePageTable;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A kernel's own page-table functions, running as guest code on the simulator, as a
 * {@link TestablePageTable}: each operation is a call of the function the {@link KernelBinding}
 * names, with its arguments laid out as the binding says, and its return code turned into the
 * levitate-mmu exception the testkit's model expects. What the testkit checks is what the guest
 * really did:
 * <ul>
 *   <li>its descriptor writes land in the machine's RAM, the {@link PhysicalMemory} the harness and
 *       its TLB model watch;</li>
 *   <li>its TLBIs and DSBs reach the harness's TLB port through the CPU's maintenance listener
 *       ({@link GuestTlbForwarder});</li>
 *   <li>its frame allocations and frees are serviced by the host from the harness's tracking
 *       allocator (the binding's {@code alloc} and {@code free} symbols are hooked), so leaks,
 *       foreign frees and frees before invalidation are seen, and allocation failures can be
 *       injected.</li>
 * </ul>
 * Unbound operations throw {@link UnsupportedOperationException} (the harness then unmaps page by
 * page; {@link KernelCheck} generates only bound operations).
 *
 * <p>Not thread-safe.
 */
public final class GuestPageTable implements TestablePageTable {
    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    private static final long PAGE = 4096;

    private final GuestKernel kernel;
    private final KernelBinding binding;
    private final PhysicalMemory memory;
    private final PageAllocator frames;
    private final TlbMaintenance tlb;
    private final long root;
    private final Set<Long> bootTables;
    /** Per operation: the function's entry and an argument array of its arity (no allocation per call). */
    private final long[] entries = new long[KernelBinding.Op.values().length];
    private final long[][] argArrays = new long[KernelBinding.Op.values().length][];

    /**
     * Connects a loaded (and booted) kernel to the harness's allocator and TLB port, then calls its
     * init function and finds its root.
     *
     * @param kernel the kernel, loaded into the machine over {@code memory}
     * @param binding its API
     * @param frames where its table frames come from (the harness's tracking allocator)
     * @param tlb where its TLBIs and DSBs go (the harness's recorder and TLB model)
     * @throws GuestCallException if init faults, hangs or breaks the calling convention
     * @throws UnknownSymbolException if a bound function, alloc or free is not in the ELF
     * @throws IllegalStateException if the root is not a 4 KiB-aligned address in RAM
     */
    public GuestPageTable(GuestKernel kernel, KernelBinding binding, PageAllocator frames, TlbMaintenance tlb) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.binding = Objects.requireNonNull(binding, "binding");
        this.memory = kernel.machine().ram();
        this.frames = Objects.requireNonNull(frames, "frames");
        this.tlb = Objects.requireNonNull(tlb, "tlb");
        kernel.budget(binding.budget());
        for (KernelBinding.Op op : binding.operations()) {
            KernelBinding.Function f = binding.function(op);
            entries[op.ordinal()] = kernel.symbol(f.symbol());
            argArrays[op.ordinal()] = new long[f.args().size()];
        }
        kernel.machine().cpu().setMaintenanceListener(new GuestTlbForwarder(tlb, kernel));
        kernel.hook(binding.alloc(), cpu -> {
            long pa = frames.tryAllocate(0);
            if (pa == PageAllocator.NO_FRAME) {
                return 0;
            }
            memory.zeroPage(pa);
            return pa;
        });
        kernel.hook(binding.free(), cpu -> {
            frames.free(cpu.reg(0), 0);
            return 0;
        });
        long initResult = binding.init() != null ? kernel.call(binding.init()) : 0;
        this.root = switch (binding.rootSource()) {
            case RESULT -> initResult;
            case SYMBOL -> memory.read64(physicalOfData(kernel.symbol(binding.rootSymbol())));
            case TTBR0 -> kernel.machine().cpu().systemRegister(SystemRegister.TTBR0_EL1) & OA_MASK;
            case TTBR1 -> kernel.machine().cpu().systemRegister(SystemRegister.TTBR1_EL1) & OA_MASK;
        };
        if ((root & 0xFFF) != 0 || !memory.contains(root, PAGE)) {
            throw new IllegalStateException(String.format("the root table 0x%x (from %s) is not a 4 KiB-aligned frame in RAM",
                    root, binding.rootSource()));
        }
        Set<Long> boot = new HashSet<>(TableWalk.tables(this));
        if (frames instanceof dev.levitate.testkit.TrackingAllocator t) {
            boot.removeAll(t.liveFrames());
        }
        this.bootTables = Set.copyOf(boot);
    }

    /** A data symbol's PA: its VA when the MMU is off, else through the guest's tables. */
    private long physicalOfData(long va) {
        var cpu = kernel.machine().cpu();
        if (!cpu.mmu().enabled()) {
            return va;
        }
        var w = cpu.mmu().walkTables(va);
        if (w.faulted()) {
            throw new IllegalStateException("the root variable at VA 0x" + Long.toHexString(va) + " is not mapped");
        }
        return w.pa() | (va & 0xFFF);
    }

    /**
     * Returns the kernel the operations run on.
     *
     * @return the kernel
     */
    public GuestKernel kernel() {
        return kernel;
    }

    private void invoke(KernelBinding.Op op, long va, long pa, long size, Attributes attributes, boolean blocks) {
        KernelBinding.Function f = binding.function(op);
        if (f == null) {
            throw new UnsupportedOperationException("the binding has no " + op.name().toLowerCase(java.util.Locale.ROOT) + " function");
        }
        long[] a = argArrays[op.ordinal()];
        for (int i = 0; i < a.length; i++) {
            a[i] = switch (f.args().get(i)) {
                case VA -> va;
                case PA -> pa;
                case SIZE -> size;
                case PAGES -> size / PAGE;
                case ATTRS -> attributes == null ? 0 : attributes.bits();
                case BLOCKS -> blocks ? 1 : 0;
                case ROOT -> root;
                case ASID -> binding.asid();
            };
        }
        kernel.trace().clear();
        long code = binding.code(kernel.callAt(f.symbol(), entries[op.ordinal()], a));
        if (code == 0) {
            return;
        }
        KernelBinding.Error e = binding.error(code);
        String what = f.symbol() + describe(f, a) + " returned " + code;
        if (e == null) {
            throw new AssertionError("[outcome] " + what + ", a code the binding does not name (0 is success)");
        }
        throw exception(e, va, what);
    }

    private static String describe(KernelBinding.Function f, long[] a) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : ", ").append(f.args().get(i).name().toLowerCase(java.util.Locale.ROOT)).append(" = 0x")
                    .append(Long.toHexString(a[i]));
        }
        return s.append(')').toString();
    }

    private static MappingException exception(KernelBinding.Error e, long va, String what) {
        return switch (e) {
            case MISALIGNED -> new MisalignedAddressException(va, what);
            case OUT_OF_RANGE -> new AddressRangeException(va, what);
            case MAPPED -> new AlreadyMappedException(va, what);
            case CONFLICT -> new MappingConflictException(va, what);
            case NOT_MAPPED -> new NotMappedException(va, what);
            case NO_MEMORY -> new PageTableOutOfMemoryException(va, 1, new dev.levitate.core.alloc.OutOfFramesException(0, 0));
        };
    }

    @Override
    public void map(long va, long pa, Attributes attributes) {
        invoke(KernelBinding.Op.MAP, va, pa, PAGE, attributes, false);
    }

    /**
     * Unmaps one page through the guest's unmap function.
     *
     * @param va the page's VA
     * @return -1: a guest's unmap reports success or an error code, not the PA
     */
    @Override
    public long unmap(long va) {
        invoke(KernelBinding.Op.UNMAP, va, 0, PAGE, null, false);
        return -1;
    }

    @Override
    public void mapRange(long va, long pa, long size, Attributes attributes, boolean allowBlocks) {
        invoke(KernelBinding.Op.MAP_RANGE, va, pa, size, attributes, allowBlocks);
    }

    @Override
    public void unmapRange(long va, long size) {
        invoke(KernelBinding.Op.UNMAP_RANGE, va, 0, size, null, false);
    }

    @Override
    public void protect(long va, long size, Attributes attributes) {
        invoke(KernelBinding.Op.PROTECT, va, 0, size, attributes, false);
    }

    @Override public long root() { return root; }
    @Override public PhysicalMemory memory() { return memory; }
    @Override public PageAllocator allocator() { return frames; }
    @Override public TlbMaintenance tlb() { return tlb; }
    @Override public Half half() { return binding.half(); }
    @Override public int vaBits() { return binding.vaBits(); }
    @Override public int asid() { return binding.asid(); }
    @Override public boolean reclaimsEagerly() { return binding.eagerReclaim(); }
    @Override public Set<Long> bootTables() { return bootTables; }

    @Override
    public String toString() {
        return "the guest kernel's page table (root 0x" + Long.toHexString(root) + ", " + binding + ")";
    }
}
