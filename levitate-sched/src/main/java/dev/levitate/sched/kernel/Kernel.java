package dev.levitate.sched.kernel;

import dev.levitate.core.LevitateException;
import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackends;
import dev.levitate.core.spi.StopReason;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.mmu.AccessPermission;
import dev.levitate.mmu.AsidAllocator;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MemoryType;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.Shareability;
import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.TaskIds;
import dev.levitate.sched.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small kernel: the buddy allocator, the kernel's TTBR1 address space, user address spaces with
 * ASIDs, tasks and their lifecycle, a {@link SchedulingPolicy}, timer-tick preemption, system
 * calls, sleeping, joining, semaphores and mutexes — over a {@link CpuBackend} that does the
 * switching in real code (guest A64 on the simulator).
 *
 * <h2>Memory</h2>
 * RAM at 0x4000_0000 (QEMU virt). The backend's runtime region is reserved. The kernel maps RAM
 * and the GIC and UART at {@link #KERNEL_BASE} + PA in TTBR1 with levitate-mmu (2 MiB blocks), so
 * the simulated MMU walks tables this kernel built. Kernel stacks are mapped one by one in a
 * separate VA area ({@link #STACKS_BASE}), 16 KiB each with an unmapped guard page below, so an
 * overflow faults. User tasks get a TTBR0 {@link AddressSpace} with an ASID.
 *
 * <h2>Time</h2>
 * The timer ticks at {@code tickHz} (100 by default); each tick the running task's quantum (from
 * the policy, in ticks) shrinks, sleepers wake, and an expired quantum switches tasks. The idle
 * task (id 1) runs WFI when nothing is ready, so time skips to the next tick.
 *
 * <h2>Lifecycle (SC4)</h2>
 * NEW → READY ⇄ RUNNING → BLOCKED / SLEEPING → READY … → EXITED (zombie) → REAPED. Reaping gives
 * back the kernel stack, the code frames, the user pages, the page tables and the ASID, with the
 * TLB maintenance levitate-mmu issues, so after a workload the allocator's free count is back to
 * its value after boot ({@link #freeFramesAfterBoot()}).
 *
 * <h2>Untrusted tasks</h2>
 * Nothing a user task (EL0) does ends the run or reaches another task: a fault, an undefined
 * instruction or a machine stop it causes (a semihosting exit, say) kills that task alone, with the
 * reason in its EXIT event; a loop that never ends is preempted, and {@link #kill(Task)} ends it. A
 * kernel task's fault kills it too, but a machine stop from kernel code is the machine's: {@link #run}
 * throws {@link MachineHaltedException}. The system calls that name another task (join,
 * set_priority) follow Unix's parent/child rules, with kernel tasks privileged ({@code Permissions};
 * a refusal is {@link Syscall#EPERM} and a {@link KernelEvent.Kind#DENIED} event); when a task ends,
 * its children's parent becomes the kernel.
 *
 * <h2>Backends</h2>
 * On the simulator ({@code "sim"}) everything above holds. On a backend that runs scripts rather
 * than guest code (the native backend: {@link CpuBackend#runsGuestCode()} is false), the kernel
 * runs in host mode: only {@link #spawn(Workload)} with compute, yield, sleep and exit steps; no
 * timer interrupt, so tasks switch when they yield, sleep or exit; ticks come from the host's
 * clock ({@code CpuBackend.cycles()}, TSC or CNTVCT) passing {@code coreHz / tickHz}. A
 * yield-driven scenario gives the same order of events on both backends.
 *
 * <h2>Logging</h2>
 * Through SLF4J, logger {@code dev.levitate.sched.kernel.Kernel}: at debug level the boot (RAM,
 * free frames, tables, policy, tick), an ELF program loaded, a task killed and why, and a TLBI
 * storm (more than {@link #TLBI_STORM} invalidations in one tick, once per tick); at trace level
 * every spawn, exit and reap. Nothing is formatted unless the level is on.
 *
 * <p>Not thread-safe: a kernel belongs to the thread that built it.
 */
public final class Kernel implements AutoCloseable {
    /** TLB invalidations in one tick above which the kernel logs a TLBI storm (debug level). */
    public static final int TLBI_STORM = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
    /** Where RAM is, as on QEMU virt. */
    public static final long RAM_BASE = 0x4000_0000L;
    /** Kernel VA = PA + this, in TTBR1 (48-bit upper half). */
    public static final long KERNEL_BASE = 0xFFFF_0000_0000_0000L;
    /** Where kernel stacks are mapped, one 32 KiB slot per task id. */
    public static final long STACKS_BASE = 0xFFFF_8000_0000_0000L;
    /** Kernel stack size. */
    public static final long STACK_SIZE = 16 * 1024;
    /** The unmapped guard below each kernel stack. */
    public static final long STACK_GUARD = 4096;
    /** Buddy order of a kernel stack (four pages). */
    public static final int STACK_ORDER = 2;
    /** Pages of a user stack. */
    public static final int USER_STACK_PAGES = 4;
    /** The largest program the kernel loads. */
    public static final int MAX_CODE_BYTES = 64 * 1024;

    private static final long STACK_SLOT = 32 * 1024;
    private static final Attributes KERNEL_RWX = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RW_EL1,
            Shareability.INNER, false, true, false, true, 0);
    private static final long GIC_BASE = 0x0800_0000L;
    private static final long GIC_SIZE = 0x2_0000L;
    private static final long UART_BASE = 0x0900_0000L;

    private final PhysicalMemory memory;
    private final BuddyAllocator frames;
    private final CpuBackend cpu;
    private final TlbMaintenance tlb;
    private final PageTable kernelSpace;
    private final AsidAllocator asids;
    private final SchedulingPolicy policy;
    private final TaskIds ids = new TaskIds();
    /** Whether the backend runs guest code (the simulator) or only scripts (the native backend: "host mode"). */
    private final boolean guest;
    private final TreeMap<Integer, TaskControlBlock> tasks = new TreeMap<>();
    private final TaskControlBlock idle;
    private final List<KernelListener> listeners = new ArrayList<>();
    private final PriorityQueue<TaskControlBlock> sleepers = new PriorityQueue<>(
            (a, b) -> a.wakeTick != b.wakeTick ? Long.compare(a.wakeTick, b.wakeTick) : Integer.compare(a.task.id(), b.task.id()));
    private final Map<Integer, long[]> semaphores = new HashMap<>();
    private final Map<Integer, ArrayDeque<TaskControlBlock>> semaphoreWaiters = new HashMap<>();
    private final Map<Integer, TaskControlBlock> mutexOwner = new HashMap<>();
    private final Map<Integer, List<TaskControlBlock>> mutexWaiters = new HashMap<>();
    private final boolean priorityInheritance;
    private final long tickCycles;
    private final long coreHz;
    private final long freeAfterBoot;
    private final StringBuilder console = new StringBuilder();
    private TaskControlBlock current;
    private long tick;
    private long nextTickCycle;
    private long switches;
    /** Spawned tasks that have not exited: kept as a count so the run loop's test is O(1). */
    private int live;
    private long tlbInvalidations;
    /** {@link #tlbInvalidations} at the last tick, for the storm warning. */
    private long tlbisAtLastTick;
    private int nextSemaphore = 1;
    private int nextMutex = 1;
    /** Set when a kernel task stopped the machine for good: every later run throws it. */
    private MachineHaltedException halted;

    /** How a kernel is built. */
    public static final class Builder {
        private long ramBytes = 128L << 20;
        private String backend = "sim";
        private SchedulingPolicy policy;
        private int tickHz = 100;
        private long coreHz = 100_000_000L;
        private boolean priorityInheritance;
        private int asidBits = 16;

        private Builder() {
        }

        /**
         * Sets the width of the ASIDs the kernel hands out (default 16; 8 makes rollovers come
         * after 255 address spaces, as on a CPU with ID_AA64MMFR0_EL1.ASIDBits = 0).
         *
         * @param bits 8 or 16
         * @return this
         * @throws IllegalArgumentException if not 8 or 16
         */
        public Builder asidBits(int bits) {
            if (bits != 8 && bits != 16) {
                throw new IllegalArgumentException("ASIDs are 8 or 16 bits wide, not " + bits);
            }
            this.asidBits = bits;
            return this;
        }

        /**
         * Sets the RAM size.
         *
         * @param mib MiB, 16..4096
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder ramMib(int mib) {
            if (mib < 16 || mib > 4096) {
                throw new IllegalArgumentException("RAM must be 16..4096 MiB, got " + mib);
            }
            this.ramBytes = (long) mib << 20;
            return this;
        }

        /**
         * Chooses the backend by name ("sim").
         *
         * @param name the backend's name
         * @return this
         */
        public Builder backend(String name) {
            this.backend = Objects.requireNonNull(name, "backend");
            return this;
        }

        /**
         * Sets the scheduling policy (default: round-robin, one-tick quantum).
         *
         * @param p the policy
         * @return this
         */
        public Builder policy(SchedulingPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * Sets the timer tick rate.
         *
         * @param hz ticks per simulated second, 1..10,000
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder tickHz(int hz) {
            if (hz < 1 || hz > 10_000) {
                throw new IllegalArgumentException("tick rate must be 1..10000 Hz, got " + hz);
            }
            this.tickHz = hz;
            return this;
        }

        /**
         * Sets the simulated core clock (default 100 MHz, so a 10 ms tick is a million cycles).
         *
         * @param hz cycles per simulated second, at least 62.5 MHz (the counter's rate)
         * @return this
         */
        public Builder coreHz(long hz) {
            this.coreHz = hz;
            return this;
        }

        /**
         * Makes mutexes lend the priority of their highest waiter to their owner.
         *
         * @param on true to enable
         * @return this
         */
        public Builder priorityInheritance(boolean on) {
            this.priorityInheritance = on;
            return this;
        }

        /**
         * Boots the kernel.
         *
         * @return the kernel
         * @throws IllegalArgumentException if the backend is unknown or unsupported
         */
        public Kernel build() {
            return new Kernel(this);
        }
    }

    /**
     * Starts building a kernel.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private Kernel(Builder b) {
        this.memory = PhysicalMemory.of(RAM_BASE, b.ramBytes);
        this.coreHz = b.coreHz;
        this.cpu = CpuBackends.open(b.backend, new BackendConfig(memory, Map.of("sim.coreHz", Long.toString(b.coreHz))));
        this.guest = cpu.runsGuestCode();
        BuddyAllocator.Builder ab = BuddyAllocator.builder().regions(memory).zeroOnAllocate(memory);
        for (long[] r : cpu.reservedMemory()) {
            ab.reserve(r[0], r[1]);
        }
        this.frames = ab.build();
        TlbMaintenance hw = cpu.tlb();
        this.tlb = new CountingTlb(hw);
        this.kernelSpace = PageTable.builder(memory, frames, tlb).half(Half.UPPER).vaBits(48).build();
        kernelSpace.mapRange(KERNEL_BASE + RAM_BASE, RAM_BASE, b.ramBytes, KERNEL_RWX, true);
        kernelSpace.mapRange(KERNEL_BASE + GIC_BASE, GIC_BASE, GIC_SIZE, Attributes.DEVICE, true);
        kernelSpace.map(KERNEL_BASE + UART_BASE, UART_BASE, Attributes.DEVICE);
        cpu.setKernelTranslation(kernelSpace.root(), KERNEL_BASE);
        this.asids = new AsidAllocator(b.asidBits, tlb);
        this.policy = b.policy != null ? b.policy : new RoundRobinPolicy(1);
        this.priorityInheritance = b.priorityInheritance;
        this.tickCycles = b.coreHz / b.tickHz;
        // the idle task: WFI forever, with IRQs on (the EL1 trampoline enables them)
        Task idleTask = new Task(TaskIds.IDLE, "idle", Integer.MIN_VALUE);
        this.idle = new TaskControlBlock(idleTask, false);
        if (guest) {
            GuestCode idleCode = new GuestCode();
            int loop = idleCode.here();
            idleCode.wfi().b(loop);
            createKernelContext(idle, base -> idleCode.bytes(), 0);
        } // in host mode the idle task is the kernel waiting on the host's clock for the next tick
        idleTask.moveTo(TaskState.READY);
        this.nextTickCycle = cpu.cycles() + tickCycles;
        this.freeAfterBoot = frames.freeFrames();
        if (LOG.isDebugEnabled()) {
            LOG.debug("kernel booted on the '{}' backend: {} MiB RAM, {} frames free, TTBR1 root {} ({} tables), policy {}, {} Hz tick",
                    cpu.name(), b.ramBytes >> 20, freeAfterBoot, LevitateException.hex(kernelSpace.root()), kernelSpace.tables().size(),
                    policy.name(), b.tickHz);
        }
    }

    // ------------------------------------------------------------------ observation

    /**
     * Adds a listener.
     *
     * @param l the listener
     */
    public void addListener(KernelListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    private void emit(KernelEvent.Kind kind, TaskControlBlock t, String detail) {
        emit(kind, t, detail, null, 0, -1, 0);
    }

    /** Emits an event with its typed fields (see {@link KernelEvent}); nothing is built without listeners. */
    private void emit(KernelEvent.Kind kind, TaskControlBlock t, String detail, TlbiOp op, long va, int asid, long count) {
        if (listeners.isEmpty()) {
            return;
        }
        KernelEvent e = new KernelEvent(kind, tick, cpu.cycles(), t == null ? -1 : t.task.id(), detail,
                t == null ? "" : t.task.name(), op, va, asid, count);
        for (KernelListener l : listeners) {
            l.event(e);
        }
    }

    /** The ASID of a task's address space, or -1 for a kernel task. */
    private static int asidOf(TaskControlBlock t) {
        return t.space == null ? -1 : t.space.asid();
    }

    /**
     * Returns the allocator.
     *
     * @return the buddy allocator
     */
    public BuddyAllocator frames() {
        return frames;
    }

    /**
     * Returns the free frames right after boot: what every workload must give back.
     *
     * @return the count
     */
    public long freeFramesAfterBoot() {
        return freeAfterBoot;
    }

    /**
     * Returns the backend.
     *
     * @return the CPU backend
     */
    public CpuBackend backend() {
        return cpu;
    }

    /**
     * Returns the ASID allocator user address spaces take their ASIDs from, for inspection (which
     * ASIDs are current, rollovers); the kernel activates a space before each switch to it.
     *
     * @return the allocator
     */
    public AsidAllocator asids() {
        return asids;
    }

    /**
     * Returns the kernel's TTBR1 address space.
     *
     * @return the page table
     */
    public PageTable kernelSpace() {
        return kernelSpace;
    }

    /**
     * Returns the physical memory.
     *
     * @return the RAM
     */
    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Returns the scheduling policy.
     *
     * @return the policy
     */
    public SchedulingPolicy policy() {
        return policy;
    }

    /**
     * Returns what tasks wrote to the console.
     *
     * @return the text
     */
    public String console() {
        return console.toString();
    }

    /**
     * Returns the timer ticks so far.
     *
     * @return ticks
     */
    public long tick() {
        return tick;
    }

    /**
     * Returns the cycles of one tick.
     *
     * @return cycles
     */
    public long tickCycles() {
        return tickCycles;
    }

    /**
     * Returns the simulated core clock.
     *
     * @return Hz
     */
    public long coreHz() {
        return coreHz;
    }

    /**
     * Returns the context switches so far (a different task got the CPU).
     *
     * @return the count
     */
    public long switches() {
        return switches;
    }

    /**
     * Returns the TLB invalidations the kernel issued.
     *
     * @return the count
     */
    public long tlbInvalidations() {
        return tlbInvalidations;
    }

    /**
     * Returns every task ever spawned that has not been reaped, plus the reaped ones, by id.
     *
     * @return the tasks
     */
    public List<Task> tasks() {
        List<Task> out = new ArrayList<>();
        for (TaskControlBlock t : tasks.values()) {
            out.add(t.task);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns the idle task.
     *
     * @return the handle (id 1)
     */
    public Task idleTask() {
        return idle.task;
    }

    /**
     * Returns a task's control block.
     *
     * @param task a task of this kernel
     * @return its TCB
     * @throws IllegalArgumentException if the task is not this kernel's
     */
    public TaskControlBlock controlBlock(Task task) {
        TaskControlBlock t = task.id() == TaskIds.IDLE ? idle : tasks.get(task.id());
        if (t == null || t.task != task) {
            throw new IllegalArgumentException(task + " is not a task of this kernel");
        }
        return t;
    }

    // ------------------------------------------------------------------ spawning

    /**
     * Spawns a kernel task (EL1, in the kernel's address space) running guest code.
     *
     * @param name its name
     * @param program its code, assembled for the kernel VA it is loaded at
     * @param argument x0 at entry; when the entry function returns, the task exits with x0
     * @return the task, READY
     * @throws IllegalArgumentException if the code is empty or larger than {@link #MAX_CODE_BYTES}
     * @throws dev.levitate.core.alloc.OutOfFramesException if memory runs out (nothing is leaked)
     */
    public Task spawn(String name, GuestProgram program, long argument) {
        return spawn(name, program, argument, 0);
    }

    /**
     * Spawns a kernel task with a priority (for priority policies).
     *
     * @param name its name
     * @param program its code
     * @param argument x0 at entry
     * @param priority its priority
     * @return the task, READY
     */
    public Task spawn(String name, GuestProgram program, long argument, int priority) {
        requireGuest("guest code for '" + name + "'");
        TaskControlBlock t = new TaskControlBlock(new Task(ids.next(), name, priority), false);
        createKernelContext(t, program, argument);
        admit(t);
        return t.task;
    }

    /**
     * Spawns a scripted kernel task.
     *
     * @param w the workload
     * @return the task, READY
     */
    public Task spawn(Workload w) {
        if (!guest) {
            TaskControlBlock t = new TaskControlBlock(new Task(ids.next(), w.name(), 0), false);
            t.context = cpu.createScripted(w.name(), w.scriptSteps());
            admit(t);
            return t.task;
        }
        return spawn(w.name(), w.program(), 0);
    }

    /**
     * Spawns a scripted user task (its own address space; it may touch pages).
     *
     * @param w the workload
     * @return the task, READY
     */
    public Task spawnUser(Workload w) {
        return spawnUser(w.name(), w.program(), 0);
    }

    /**
     * Spawns a user task: EL0, in a new address space with its own ASID; the code is mapped
     * read-only and executable at {@link AddressSpace#CODE_BASE}, a stack of
     * {@link #USER_STACK_PAGES} pages below {@link AddressSpace#STACK_TOP}.
     *
     * @param name its name
     * @param program its code, assembled for {@link AddressSpace#CODE_BASE}
     * @param argument x0 at entry
     * @return the task, READY
     */
    public Task spawnUser(String name, GuestProgram program, long argument) {
        return spawnUser(name, program, argument, 0);
    }

    /**
     * Spawns a user task with a priority.
     *
     * @param name its name
     * @param program its code
     * @param argument x0 at entry
     * @param priority its priority
     * @return the task, READY
     */
    public Task spawnUser(String name, GuestProgram program, long argument, int priority) {
        return spawnUser(null, name, program, argument, priority);
    }

    /**
     * Spawns a user task as the child of another task, with its parent's base priority (as a forked
     * process inherits its parent's nice value). Its parent may join (wait for and reap) it and set
     * its priority (see docs/kernel.md, "Who may act on whom"); when the parent exits first, the
     * child's parent becomes the kernel. There is no spawn system call yet: the kernel's owner
     * builds the tree.
     *
     * @param parent a live task of this kernel (not the idle task)
     * @param name its name
     * @param program its code, assembled for {@link AddressSpace#CODE_BASE}
     * @param argument x0 at entry
     * @return the task, READY
     * @throws IllegalArgumentException if the parent is not this kernel's, is the idle task, or has
     *     exited (nothing is allocated)
     */
    public Task spawnUser(Task parent, String name, GuestProgram program, long argument) {
        return spawnUser(Objects.requireNonNull(parent, "parent"), name, program, argument, parentBlock(parent).basePriority);
    }

    /**
     * Spawns a user task as the child of another task, with a priority of the owner's choosing.
     *
     * @param parent a live task of this kernel (not the idle task), or null for the kernel
     * @param name its name
     * @param program its code, assembled for {@link AddressSpace#CODE_BASE}
     * @param argument x0 at entry
     * @param priority its priority
     * @return the task, READY
     * @throws IllegalArgumentException if the parent is not this kernel's, is the idle task, or has
     *     exited (nothing is allocated)
     */
    public Task spawnUser(Task parent, String name, GuestProgram program, long argument, int priority) {
        requireGuest("user task '" + name + "'");
        TaskControlBlock p = parent == null ? null : parentBlock(parent);
        byte[] code = checkCode(name, program.assemble(AddressSpace.CODE_BASE));
        return spawnInNewSpace(p, name, priority, AddressSpace.CODE_BASE, argument, space -> {
            for (long off = 0; off < code.length; off += 4096) {
                space.mapNew(AddressSpace.CODE_BASE + off, Attributes.USER_CODE, false);
                long pa = space.table().translatePa(AddressSpace.CODE_BASE + off);
                memory.write(pa, code, (int) off, (int) Math.min(4096, code.length - off));
            }
        });
    }

    /**
     * Spawns a user task from a static AArch64 ELF executable: each PT_LOAD segment mapped page by
     * page (executable segments read-only and executable at EL0, writable ones read-write, the rest
     * read-only), the part past the file bytes zeroed, a user stack, entry at e_entry.
     *
     * @param name its name
     * @param elf the file's bytes
     * @param argument x0 at entry
     * @return the task, READY
     * @throws IllegalArgumentException if the file is not a runnable program (nothing is allocated)
     * @throws dev.levitate.core.alloc.OutOfFramesException if memory runs out (nothing is leaked)
     */
    public Task spawnUserElf(String name, byte[] elf, long argument) {
        requireGuest("ELF program '" + name + "'");
        ElfProgram program = ElfProgram.parse(elf);
        if (LOG.isDebugEnabled()) {
            LOG.debug("loading ELF program '{}': {} bytes, entry {}, {} PT_LOAD segment(s)", name, elf.length,
                    LevitateException.hex(program.entry()), program.segments().size());
        }
        return spawnInNewSpace(null, name, 0, program.entry(), argument, space -> {
            for (ElfProgram.Segment s : program.segments()) {
                Attributes attrs = s.executable() ? Attributes.USER_CODE : s.writable() ? Attributes.USER_DATA : Attributes.USER_RODATA;
                for (long page = s.vaddr() & ~4095L; page < s.vaddr() + s.memsz(); page += 4096) {
                    space.mapNew(page, attrs, false);
                }
                for (int i = 0; i < s.bytes().length; i++) {
                    memory.write8(space.table().translatePa(s.vaddr() + i), s.bytes()[i]);
                }
            }
        });
    }

    /**
     * A user task in a new address space: a TTBR0 table, the program ({@code load}), a user stack, a
     * kernel stack and the context; on any failure everything made so far goes back. The space gets
     * its ASID when it first runs ({@link #activate}); until then its table has
     * {@link PageTable#NO_ASID} (it was never in TTBR0, so nothing of it can be cached).
     */
    private Task spawnInNewSpace(TaskControlBlock parent, String name, int priority, long entry, long argument,
            java.util.function.Consumer<AddressSpace> load) {
        TaskControlBlock t = new TaskControlBlock(new Task(ids.next(), name, priority), true);
        AsidAllocator.Context ac = asids.newContext();
        PageTable pt = null;
        try {
            pt = PageTable.builder(memory, frames, tlb).half(Half.LOWER).vaBits(48).asid(PageTable.NO_ASID).build();
            t.space = new AddressSpace(pt, ac, frames);
            load.accept(t.space);
            for (int i = 1; i <= USER_STACK_PAGES; i++) {
                t.space.mapNew(AddressSpace.STACK_TOP - 4096L * i, Attributes.USER_STACK, false);
            }
            allocateStack(t);
            t.context = cpu.createContext(ContextSpec.user(name, entry, t.kernelStackTop(), AddressSpace.STACK_TOP, argument, pt.root(), 0));
        } catch (RuntimeException e) {
            if (t.stackPa != 0) {
                freeStack(t);
            }
            if (t.space != null) {
                t.space.destroy();
            } else if (pt != null) {
                pt.destroy();
            }
            asids.release(ac);
            throw e;
        }
        t.parent = parent;
        if (parent != null) {
            parent.children.add(t);
        }
        admit(t);
        return t.task;
    }

    /** The control block of a task that may become a parent: this kernel's, live, not the idle task. */
    private TaskControlBlock parentBlock(Task parent) {
        TaskControlBlock p = controlBlock(parent);
        if (p == idle || p.task.state() == TaskState.EXITED || p.task.state() == TaskState.REAPED) {
            throw new IllegalArgumentException("task " + parent + " cannot be a parent: "
                    + (p == idle ? "it is the idle task" : "it has exited"));
        }
        return p;
    }

    private void requireGuest(String what) {
        if (!guest) {
            throw new UnsupportedOperationException("the '" + cpu.name() + "' backend runs scripted workloads only (spawn(Workload)); "
                    + what + " needs a backend that runs guest code, such as 'sim'");
        }
    }

    private void setResult(TaskControlBlock t, long value) {
        if (guest) {
            cpu.writeRegister(t.context, 0, value);
        }
    }

    private static byte[] checkCode(String name, byte[] code) {
        if (code == null || code.length == 0 || code.length > MAX_CODE_BYTES || code.length % 4 != 0) {
            throw new IllegalArgumentException("task '" + name + "': code must be 4..65536 bytes, whole instructions; got "
                    + (code == null ? "null" : code.length + " bytes"));
        }
        return code;
    }

    private void createKernelContext(TaskControlBlock t, GuestProgram program, long argument) {
        // code frames: their kernel VA is known once they are allocated, then the code is assembled for it
        int order = 0;
        byte[] probe = checkCode(t.task.name(), program.assemble(KERNEL_BASE + RAM_BASE));
        while ((4096L << order) < probe.length) {
            order++;
        }
        long codePa = frames.allocate(order);
        try {
            byte[] code = checkCode(t.task.name(), program.assemble(KERNEL_BASE + codePa));
            memory.write(codePa, code, 0, code.length);
            t.codePa = codePa;
            t.codeOrder = order;
            allocateStack(t);
            t.context = cpu.createContext(ContextSpec.kernel(t.task.name(), KERNEL_BASE + codePa, t.kernelStackTop(), argument));
        } catch (RuntimeException e) {
            if (t.stackPa != 0) {
                freeStack(t);
            }
            frames.free(codePa, order);
            t.codeOrder = -1;
            throw e;
        }
    }

    private void allocateStack(TaskControlBlock t) {
        long pa = frames.allocate(STACK_ORDER);
        long slot = STACKS_BASE + STACK_SLOT * t.task.id();
        try {
            for (long off = 0; off < STACK_SIZE; off += 4096) {
                kernelSpace.map(slot + STACK_GUARD + off, pa + off, Attributes.KERNEL_DATA);
            }
        } catch (RuntimeException e) {
            kernelSpace.unmapRange(slot + STACK_GUARD, STACK_SIZE);
            frames.free(pa, STACK_ORDER);
            throw e;
        }
        t.stackPa = pa;
        t.stackSlotVa = slot;
    }

    private void freeStack(TaskControlBlock t) {
        for (long off = 0; off < STACK_SIZE; off += 4096) {
            if (kernelSpace.translatePa(t.stackSlotVa + STACK_GUARD + off) >= 0) {
                kernelSpace.unmap(t.stackSlotVa + STACK_GUARD + off);
            }
        }
        frames.free(t.stackPa, STACK_ORDER);
        t.stackPa = 0;
    }

    private void admit(TaskControlBlock t) {
        tasks.put(t.task.id(), t);
        live++;
        emit(KernelEvent.Kind.SPAWN, t, (t.user ? "user" : "kernel") + " task '" + t.task.name() + "'");
        if (LOG.isTraceEnabled()) {
            LOG.trace("spawned {} task {} '{}'{}", t.user ? "user" : "kernel", t.task.id(), t.task.name(),
                    t.user ? " with ASID " + t.space.asid() : "");
        }
        makeReady(t);
    }

    private void makeReady(TaskControlBlock t) {
        t.task.moveTo(TaskState.READY);
        t.readySince = cpu.cycles();
        policy.enqueue(t.task);
    }

    // ------------------------------------------------------------------ semaphores and mutexes

    /**
     * Creates a counting semaphore tasks reach with {@link Syscall#SEM_DOWN} / {@link Syscall#SEM_UP}.
     *
     * @param initial its starting count, at least 0
     * @return its id
     * @throws IllegalArgumentException if negative
     */
    public int createSemaphore(long initial) {
        if (initial < 0) {
            throw new IllegalArgumentException("a semaphore starts at 0 or more, not " + initial);
        }
        int id = nextSemaphore++;
        semaphores.put(id, new long[] {initial});
        semaphoreWaiters.put(id, new ArrayDeque<>());
        return id;
    }

    /**
     * Creates a mutex tasks reach with {@link Syscall#MUTEX_LOCK} / {@link Syscall#MUTEX_UNLOCK}.
     *
     * @return its id
     */
    public int createMutex() {
        int id = nextMutex++;
        mutexWaiters.put(id, new ArrayList<>());
        return id;
    }

    // ------------------------------------------------------------------ running

    /**
     * What a run did.
     *
     * @param ticks the tick count at the end
     * @param cycles the cycles this run took
     * @param switches the context switches in this run
     * @param allExited whether every task had exited (and was reaped) by the end
     */
    public record RunResult(long ticks, long cycles, long switches, boolean allExited) {
    }

    /**
     * Runs until every spawned task has exited (then reaps them all) or {@code maxTicks} ticks have
     * passed.
     *
     * <p>Whatever a user task does cannot end the run early: a fault, an undefined instruction, a
     * machine stop it causes (a semihosting exit at EL0, say) kills that task alone, with the reason
     * in its {@link KernelEvent.Kind#EXIT} event and {@link TaskControlBlock#exitReason()}; a loop
     * that never ends is preempted at its quantum like any other. A kernel task that faults is
     * killed the same way; one that stops the machine ends the kernel (below).
     *
     * @param maxTicks the most ticks to run
     * @return the figures
     * @throws IllegalArgumentException if {@code maxTicks} is negative
     * @throws MachineHaltedException if a kernel task stopped the machine, in this run or an earlier one
     */
    public RunResult run(long maxTicks) {
        if (maxTicks < 0) {
            throw new IllegalArgumentException("maxTicks must be 0 or more, got " + maxTicks);
        }
        if (halted != null) {
            throw halted;
        }
        long startCycles = cpu.cycles();
        long startSwitches = switches;
        long endTick = tick + maxTicks;
        while (tick < endTick && live > 0 && halted == null) {
            if (!guest && cpu.cycles() >= nextTickCycle) {
                hostTick();
            }
            if (current == null) {
                schedule();
            }
            if (current == idle && !guest) {
                while (cpu.cycles() < nextTickCycle) {
                    Thread.onSpinWait(); // nothing is ready: wait for the next tick on the host's clock
                }
                hostTick();
                continue;
            }
            if (current.user) {
                activate(current);
            }
            long quantum = Math.max(1, nextTickCycle - cpu.cycles());
            long before = cpu.cycles();
            StopReason r = cpu.resume(current.context, quantum);
            long ran = cpu.cycles() - before;
            current.sliceCycles += ran;
            if (current != idle) {
                current.task.accountCycles(ran);
            }
            handle(r);
        }
        if (current == idle) {
            idle.task.moveTo(TaskState.READY);
            current = null;
        } else if (current != null && current.task.state() == TaskState.RUNNING) {
            stopRunning(current, false);
            makeReady(current);
            current = null;
        }
        if (halted != null) {
            throw halted;
        }
        boolean all = live == 0;
        if (all) {
            for (TaskControlBlock t : new ArrayList<>(tasks.values())) {
                if (t.task.state() == TaskState.EXITED) {
                    reap(t);
                }
            }
        }
        return new RunResult(tick, cpu.cycles() - startCycles, switches - startSwitches, all);
    }

    private void schedule() {
        Task next = policy.pickNext();
        TaskControlBlock t = next == null ? idle : tasks.get(next.id());
        if (t != idle) {
            t.task.accountWait(cpu.cycles() - t.readySince);
            t.ticksLeft = Math.max(1, policy.quantum(t.task));
        } else {
            t.ticksLeft = 1;
        }
        t.task.moveTo(TaskState.RUNNING);
        t.task.scheduled();
        t.sliceCycles = 0;
        current = t;
        switches++;
        emit(KernelEvent.Kind.SWITCH, t, t.task.name());
    }

    /** The running task leaves the CPU (its state is changed by the caller). */
    private void stopRunning(TaskControlBlock t, boolean preempted) {
        if (t != idle) {
            policy.ran(t.task, t.sliceCycles, preempted);
            t.task.accountSwitch(preempted);
        }
    }

    private void handle(StopReason r) {
        TaskControlBlock t = current;
        switch (r.kind()) {
            case PREEMPTED:
            case BUDGET_EXHAUSTED:
                if (cpu.cycles() >= nextTickCycle) {
                    onTick();
                }
                break;
            case YIELDED:
                emit(KernelEvent.Kind.YIELD, t, "");
                stopRunning(t, false);
                t.task.moveTo(TaskState.READY);
                requeue(t);
                break;
            case EXITED:
                exit(t, r.value(), "exit(" + r.value() + ")");
                break;
            case SYSCALL:
                syscall(t, r.value());
                break;
            case FAULTED:
                exit(t, -1, "killed: " + r.detail() + " at pc " + LevitateException.hex(r.pc()));
                break;
            case HALTED:
            default:
                stoppedForGood(t, r);
                break;
        }
    }

    /**
     * A stop the context cannot be resumed from and that is not a fault: the machine stopped
     * ({@link StopReason.Kind#HALTED}, or a kind this kernel does not know). A user task caused it
     * from EL0: it dies, the others go on. A kernel task is trusted code: its stop is the machine's.
     */
    private void stoppedForGood(TaskControlBlock t, StopReason r) {
        if (t.user) {
            exit(t, -1, "killed: it stopped the machine from EL0 (" + r.kind() + ", " + r.detail() + ") at pc " + LevitateException.hex(r.pc()));
            return;
        }
        emit(KernelEvent.Kind.HALT, t, r.toString());
        halted = new MachineHaltedException(t.task.id(), t.task.name(), r);
        if (t != idle) {
            exit(t, r.value(), "halted the machine: " + r.detail() + " at pc " + LevitateException.hex(r.pc()));
        } // the idle task is put back by run's epilogue
    }

    private void requeue(TaskControlBlock t) {
        t.readySince = cpu.cycles();
        policy.enqueue(t.task);
        current = null;
    }

    private void onTick() {
        checkTlbiStorm();
        while (nextTickCycle <= cpu.cycles()) {
            tick++;
            nextTickCycle += tickCycles;
        }
        emit(KernelEvent.Kind.TICK, current, "");
        policy.tick(current == idle ? null : current.task);
        boolean preemptNow = false;
        while (!sleepers.isEmpty() && sleepers.peek().wakeTick <= tick) {
            TaskControlBlock s = sleepers.poll();
            s.wakeTick = -1;
            preemptNow |= wake(s, 0);
        }
        TaskControlBlock t = current;
        t.ticksLeft--;
        if (t == idle) {
            if (policy.size() > 0) {
                idle.task.moveTo(TaskState.READY);
                current = null;
            }
            return;
        }
        if (t.ticksLeft <= 0 || preemptNow) {
            emit(KernelEvent.Kind.PREEMPT, t, t.ticksLeft <= 0 ? "quantum expired" : "a higher priority woke");
            stopRunning(t, true);
            t.task.moveTo(TaskState.READY);
            requeue(t);
        }
    }

    /**
     * Logs (debug) a tick in which the kernel issued more than {@link #TLBI_STORM} TLB
     * invalidations: page by page over a range that one ASIDE1 would have covered, or a loop of
     * map and unmap. Called at each tick, before the tick count moves on; costs a subtraction.
     */
    private void checkTlbiStorm() {
        long n = tlbInvalidations - tlbisAtLastTick;
        tlbisAtLastTick = tlbInvalidations;
        if (n > TLBI_STORM && LOG.isDebugEnabled()) {
            LOG.debug("TLBI storm: {} TLB invalidations in tick {} (more than {}), {} on the CPU at its end", n, tick, TLBI_STORM,
                    current == null ? "no task" : "task " + current.task.id() + " '" + current.task.name() + "'");
        }
    }

    /** Host mode (no timer interrupt): the tick is the host clock passing the next tick's cycle. */
    private void hostTick() {
        checkTlbiStorm();
        while (nextTickCycle <= cpu.cycles()) {
            tick++;
            nextTickCycle += tickCycles;
        }
        emit(KernelEvent.Kind.TICK, current, "");
        policy.tick(current == null || current == idle ? null : current.task);
        while (!sleepers.isEmpty() && sleepers.peek().wakeTick <= tick) {
            TaskControlBlock s = sleepers.poll();
            s.wakeTick = -1;
            wake(s, 0);
        }
        if (current == idle && policy.size() > 0) {
            idle.task.moveTo(TaskState.READY);
            current = null;
        }
    }

    /** A sleeping or blocked task becomes READY with a syscall result; true if it should preempt the running task. */
    private boolean wake(TaskControlBlock t, long result) {
        setResult(t, result);
        emit(KernelEvent.Kind.WAKE, t, "");
        makeReady(t);
        return current != null && current != idle && policy.preempts(t.task, current.task);
    }

    private void block(TaskControlBlock t, TaskState how, String why) {
        emit(how == TaskState.SLEEPING ? KernelEvent.Kind.SLEEP : KernelEvent.Kind.BLOCK, t, why);
        stopRunning(t, false);
        t.task.moveTo(how);
        current = null;
    }

    /** The running task ends. */
    private void exit(TaskControlBlock t, long code, String reason) {
        if (t == idle) {
            throw new IllegalStateException("the idle task died: " + reason);
        }
        emit(KernelEvent.Kind.EXIT, t, reason);
        boolean killed = reason.startsWith("killed");
        if (killed ? LOG.isDebugEnabled() : LOG.isTraceEnabled()) {
            String line = "task " + t.task.id() + " '" + t.task.name() + "' " + (killed ? "" : "exited: ") + reason
                    + " at tick " + tick + " after " + t.task.cyclesRun() + " cycles";
            if (killed) {
                LOG.debug(line);
            } else {
                LOG.trace(line);
            }
        }
        stopRunning(t, false);
        current = null;
        terminate(t, code, reason);
    }

    /**
     * A task that is not running ends (the kernel's owner kills it); its parent can join it as if it
     * had exited.
     *
     * <p>Takes it off whatever it waits in (the ready queue, the sleepers, a join, a semaphore or a
     * mutex), releases the mutexes it holds, and makes it a zombie (EXITED) with exit code -1 and
     * the reason "killed: by the kernel's owner". A task that loops forever at EL0 is not a fault
     * the kernel can see (the timer preempts it, so it harms no one); this is how it ends.
     *
     * @param task a READY, SLEEPING or BLOCKED task of this kernel (between runs no task is RUNNING)
     * @throws IllegalArgumentException if the task is not this kernel's, or is the idle task
     * @throws dev.levitate.sched.IllegalTaskStateException if it has already exited (nothing changes)
     * @throws IllegalStateException if it is RUNNING: called from a listener during a run (nothing changes)
     */
    public void kill(Task task) {
        TaskControlBlock t = controlBlock(task);
        if (t == idle) {
            throw new IllegalArgumentException("the idle task cannot be killed");
        }
        TaskState state = t.task.state();
        if (state == TaskState.RUNNING) {
            throw new IllegalStateException(t.task + " is running (kill was called from a listener during a run): kill it between runs");
        }
        if (state == TaskState.EXITED || state == TaskState.REAPED) {
            throw new dev.levitate.sched.IllegalTaskStateException(t.task.toString(), state, TaskState.EXITED);
        }
        if (state == TaskState.READY) {
            policy.remove(t.task);
        } else if (state == TaskState.SLEEPING) {
            sleepers.remove(t);
            t.wakeTick = -1;
        } else if (t.joining != null) {
            t.joining.joiners.remove(t);
            t.joining = null;
        } // a semaphore or mutex waiter leaves its queue in terminate
        String reason = "killed: by the kernel's owner (Kernel.kill) while " + state;
        emit(KernelEvent.Kind.EXIT, t, reason);
        terminate(t, -1, reason);
    }

    /** A task that no longer runs becomes a zombie: its joiners wake, its children go to the kernel. */
    private void terminate(TaskControlBlock t, long code, String reason) {
        t.task.setExitCode(code);
        t.exitReason = reason;
        t.task.moveTo(TaskState.EXITED);
        live--;
        releaseMutexesOf(t);
        for (TaskControlBlock c : t.children) {
            c.parent = null; // orphans: the kernel is their parent now, as init is on Unix
        }
        t.children.clear();
        for (TaskControlBlock j : t.joiners) {
            j.joining = null;
            wake(j, code);
        }
        if (!t.joiners.isEmpty()) {
            t.joiners.clear();
            reap(t);
        }
    }

    /**
     * Gives a user task's address space a current ASID before it runs, as Linux's
     * {@code check_and_switch_context}: the allocator's fast path is one generation compare. When
     * the ASID that comes back is not the one the table holds (its first run, or a rollover it
     * was not active for), the table is retagged ({@link PageTable#retag(int)}) and the backend
     * told the context's new TTBR0. That is safe because the rollover's VMALLE1 and DSB, issued by
     * the allocator before it hands out any ASID of the new generation, removed every entry of
     * the old ASID, and a table that never ran has none.
     */
    private void activate(TaskControlBlock t) {
        int asid = asids.activate(t.space.asidContext());
        PageTable pt = t.space.table();
        if (pt.asid() != asid) {
            pt.retag(asid);
            cpu.setTranslation(t.context, pt.root(), asid);
        }
    }

    /**
     * Reaps an exited task: its kernel stack, code, user pages, page tables and ASID go back.
     *
     * @param task an EXITED task
     * @throws IllegalArgumentException if the task is not this kernel's
     * @throws dev.levitate.sched.IllegalTaskStateException if it has not exited
     */
    public void reap(Task task) {
        reap(controlBlock(task));
    }

    private void reap(TaskControlBlock t) {
        t.task.moveTo(TaskState.REAPED);
        if (t.parent != null) {
            t.parent.children.remove(t); // the parent pointer stays: parentId() still says who it was
        }
        cpu.destroyContext(t.context);
        t.context = null;
        if (t.stackPa != 0) {
            freeStack(t);
        }
        if (t.codeOrder >= 0) {
            frames.free(t.codePa, t.codeOrder);
            t.codeOrder = -1;
        }
        if (t.space != null) {
            int pages = t.space.pages().size();
            AsidAllocator.Context ac = t.space.asidContext();
            if (!asids.isCurrent(ac)) {
                // its ASID went with a rollover (whose VMALLE1 removed its entries) and may be
                // someone else's now: tear down without naming it
                t.space.table().retag(PageTable.NO_ASID);
            }
            t.space.destroy();
            emit(KernelEvent.Kind.UNMAP, t, pages + " pages, address space destroyed", null, 0, asidOf(t), pages);
            t.space = null;
            asids.release(ac);
        }
        emit(KernelEvent.Kind.REAP, t, "");
        if (LOG.isTraceEnabled()) {
            LOG.trace("reaped task {} '{}': {} frames free", t.task.id(), t.task.name(), frames.freeFrames());
        }
    }

    // ------------------------------------------------------------------ system calls

    private long arg(TaskControlBlock t, int n) {
        return cpu.readRegister(t.context, n);
    }

    private void syscall(TaskControlBlock t, long number) {
        Syscall call = Syscall.of(number);
        if (call == null) {
            setResult(t, Syscall.ENOSYS);
            return;
        }
        switch (call) {
            case WRITE: {
                long n = write(t, arg(t, 1), arg(t, 2));
                setResult(t, n);
                break;
            }
            case EXIT:
                exit(t, arg(t, 0), "exit(" + arg(t, 0) + ")");
                break;
            case YIELD:
                emit(KernelEvent.Kind.YIELD, t, "");
                setResult(t, 0);
                stopRunning(t, false);
                t.task.moveTo(TaskState.READY);
                requeue(t);
                break;
            case GETPID:
                setResult(t, t.task.id());
                break;
            case SET_PRIORITY: {
                long id = arg(t, 0);
                long asked = arg(t, 1);
                TaskControlBlock target = id == 0 ? t : task(id);
                if (target == null || target.task.state() == TaskState.EXITED || target.task.state() == TaskState.REAPED
                        || asked != (int) asked) {
                    setResult(t, Syscall.EINVAL);
                    break;
                }
                int p = (int) asked;
                if (!Permissions.maySetPriority(t, target, p)) {
                    deny(t, "set_priority(" + id + ", " + p + ")", target == t || target.parent == t
                            ? "above its own base priority " + t.basePriority
                            : "task " + target.task.id() + " is not its child");
                    break;
                }
                setResult(t, 0);
                target.basePriority = p;
                setPriority(target, p);
                boolean outranked = false;
                for (TaskControlBlock o : tasks.values()) {
                    outranked |= o != t && o.task.state() == TaskState.READY && policy.preempts(o.task, t.task);
                }
                preemptByWake(outranked);
                break;
            }
            case SLEEP: {
                long ticks = arg(t, 0);
                setResult(t, 0);
                if (ticks > 0) {
                    t.wakeTick = tick + ticks;
                    sleepers.add(t);
                    block(t, TaskState.SLEEPING, "sleep(" + ticks + ")");
                }
                break;
            }
            case JOIN: {
                long id = arg(t, 0);
                TaskControlBlock target = task(id);
                if (target == null || target == t || target.task.state() == TaskState.REAPED || target.joining == t) {
                    setResult(t, Syscall.EINVAL);
                } else if (!Permissions.mayJoin(t, target)) {
                    deny(t, "join(" + id + ")", "task " + target.task.id() + " is not its child");
                } else if (target.task.state() == TaskState.EXITED) {
                    setResult(t, target.task.exitCode());
                    reap(target);
                } else {
                    target.joiners.add(t);
                    t.joining = target;
                    block(t, TaskState.BLOCKED, "join(" + id + ")");
                }
                break;
            }
            case MMAP:
                setResult(t, mmap(t, arg(t, 0), arg(t, 1)));
                break;
            case MUNMAP:
                setResult(t, munmap(t, arg(t, 0), arg(t, 1)));
                break;
            case SEM_DOWN: {
                int id = objectId(arg(t, 0));
                long[] s = semaphores.get(id);
                if (s == null) {
                    setResult(t, Syscall.EINVAL);
                } else if (s[0] > 0) {
                    s[0]--;
                    setResult(t, 0);
                } else {
                    semaphoreWaiters.get(id).add(t);
                    block(t, TaskState.BLOCKED, "sem_down(" + id + ")");
                }
                break;
            }
            case SEM_UP: {
                int id = objectId(arg(t, 0));
                long[] s = semaphores.get(id);
                if (s == null) {
                    setResult(t, Syscall.EINVAL);
                    break;
                }
                setResult(t, 0);
                TaskControlBlock w = highestPriority(semaphoreWaiters.get(id));
                if (w == null) {
                    s[0]++;
                } else {
                    semaphoreWaiters.get(id).remove(w);
                    preemptByWake(wake(w, 0));
                }
                break;
            }
            case MUTEX_LOCK: {
                int id = objectId(arg(t, 0));
                List<TaskControlBlock> waiters = mutexWaiters.get(id);
                if (waiters == null || mutexOwner.get(id) == t) {
                    setResult(t, Syscall.EINVAL);
                } else if (!mutexOwner.containsKey(id)) {
                    mutexOwner.put(id, t);
                    setResult(t, 0);
                } else {
                    waiters.add(t);
                    TaskControlBlock owner = mutexOwner.get(id);
                    if (priorityInheritance && owner.task.priority() < t.task.priority()) {
                        setPriority(owner, t.task.priority());
                    }
                    block(t, TaskState.BLOCKED, "mutex_lock(" + id + ")");
                }
                break;
            }
            case MUTEX_UNLOCK: {
                int id = objectId(arg(t, 0));
                if (id == 0 || mutexOwner.get(id) != t) {
                    setResult(t, Syscall.EINVAL);
                    break;
                }
                setResult(t, 0);
                preemptByWake(unlock(id, t));
                break;
            }
            default:
                setResult(t, Syscall.ENOSYS);
        }
    }

    /** A spawned task (not the idle task) by the id a system call passed, or null. */
    private TaskControlBlock task(long id) {
        return id > Integer.MAX_VALUE || id < 2 ? null : tasks.get((int) id);
    }

    /** A semaphore's or mutex's id from a system call's argument: 0 (no such object) when out of range. */
    private static int objectId(long raw) {
        return raw < 1 || raw > Integer.MAX_VALUE ? 0 : (int) raw;
    }

    /** Refuses a call on another task: -EPERM, a DENIED event, nothing else changes. */
    private void deny(TaskControlBlock t, String call, String why) {
        setResult(t, Syscall.EPERM);
        emit(KernelEvent.Kind.DENIED, t, call + ": " + why);
    }

    private void preemptByWake(boolean preempt) {
        if (preempt && current != null && current != idle) {
            emit(KernelEvent.Kind.PREEMPT, current, "a higher priority woke");
            stopRunning(current, true);
            current.task.moveTo(TaskState.READY);
            requeue(current);
        }
    }

    private boolean unlock(int id, TaskControlBlock owner) {
        mutexOwner.remove(id);
        if (priorityInheritance && owner.task.priority() != owner.basePriority) {
            setPriority(owner, owner.basePriority);
        }
        List<TaskControlBlock> waiters = mutexWaiters.get(id);
        TaskControlBlock w = highestPriority(waiters);
        if (w == null) {
            return false;
        }
        waiters.remove(w);
        mutexOwner.put(id, w);
        return wake(w, 0);
    }

    private void releaseMutexesOf(TaskControlBlock t) {
        for (Integer id : new ArrayList<>(mutexOwner.keySet())) {
            if (mutexOwner.get(id) == t) {
                unlock(id, t);
            }
        }
        for (List<TaskControlBlock> w : mutexWaiters.values()) {
            w.remove(t);
        }
        for (ArrayDeque<TaskControlBlock> w : semaphoreWaiters.values()) {
            w.remove(t);
        }
    }

    private void setPriority(TaskControlBlock t, int priority) {
        boolean queued = t.task.state() == TaskState.READY && policy.remove(t.task);
        t.task.setPriority(priority);
        if (queued) {
            policy.enqueue(t.task);
        }
    }

    /** The waiter with the highest priority, first come first served among equals. */
    private static TaskControlBlock highestPriority(java.util.Collection<TaskControlBlock> waiters) {
        TaskControlBlock best = null;
        for (TaskControlBlock w : waiters) {
            if (best == null || w.task.priority() > best.task.priority()) {
                best = w;
            }
        }
        return best;
    }

    private long write(TaskControlBlock t, long buf, long len) {
        if (len < 0 || len > 1 << 20) {
            return Syscall.EINVAL;
        }
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < len; i++) {
            long pa = t.user ? t.space.table().translatePa(buf + i) : kernelSpace.translatePa(buf + i);
            if (pa < 0) {
                return Syscall.EFAULT;
            }
            sb.append((char) memory.read8(pa));
        }
        console.append(sb);
        emit(KernelEvent.Kind.WRITE, t, sb.toString());
        return len;
    }

    private long mmap(TaskControlBlock t, long va, long pages) {
        if (!t.user || (va & 4095) != 0 || pages < 1 || pages > 256 || va < AddressSpace.MMAP_BASE
                || va + pages * 4096 > AddressSpace.MMAP_LIMIT) {
            return Syscall.EINVAL;
        }
        for (long i = 0; i < pages; i++) {
            if (t.space.table().translatePa(va + i * 4096) >= 0) {
                return Syscall.EINVAL;
            }
        }
        long done = 0;
        try {
            for (; done < pages; done++) {
                t.space.mapNew(va + done * 4096, Attributes.USER_DATA, true);
            }
        } catch (RuntimeException e) {
            for (long i = 0; i < done; i++) {
                t.space.unmapPage(va + i * 4096);
            }
            return Syscall.ENOMEM;
        }
        emit(KernelEvent.Kind.MAP, t, pages + " page(s) at " + LevitateException.hex(va), null, va, asidOf(t), pages);
        return va;
    }

    private long munmap(TaskControlBlock t, long va, long pages) {
        if (!t.user || (va & 4095) != 0 || pages < 1 || pages > 256) {
            return Syscall.EINVAL;
        }
        for (long i = 0; i < pages; i++) {
            if (!t.space.isAnonymous(va + i * 4096)) {
                return Syscall.EINVAL;
            }
        }
        int tablesBefore = t.space.table().tables().size();
        for (long i = 0; i < pages; i++) {
            t.space.unmapPage(va + i * 4096);
        }
        int freed = tablesBefore - t.space.table().tables().size();
        emit(KernelEvent.Kind.UNMAP, t, pages + " page(s) at " + LevitateException.hex(va)
                + (freed > 0 ? ", " + freed + " table(s) freed" : ""), null, va, asidOf(t), pages);
        if (freed > 0) {
            emit(KernelEvent.Kind.TABLE_FREED, t, freed + " table(s)", null, 0, asidOf(t), freed);
        }
        return 0;
    }

    @Override
    public void close() {
        cpu.close();
    }

    /** Counts the kernel's TLB invalidations and reports them as events. */
    private final class CountingTlb implements TlbMaintenance {
        private final TlbMaintenance hw;

        CountingTlb(TlbMaintenance hw) {
            this.hw = hw;
        }

        /** Counts one invalidation and emits it; the detail is built only when someone listens. */
        private void note(TlbiOp op, long va, int asid) {
            tlbInvalidations++;
            if (listeners.isEmpty()) {
                return;
            }
            String what = op.name().toLowerCase(java.util.Locale.ROOT)
                    + (op.byVa() ? " " + LevitateException.hex(va) : "")
                    + (op.byAsid() ? (op.byVa() ? " asid " : " ") + asid : "");
            emit(KernelEvent.Kind.TLBI, current, what, op, va, asid, 0);
        }

        @Override
        public void vae1(long va, int asid) {
            note(TlbiOp.VAE1, va, asid);
            hw.vae1(va, asid);
        }

        @Override
        public void vale1(long va, int asid) {
            note(TlbiOp.VALE1, va, asid);
            hw.vale1(va, asid);
        }

        @Override
        public void vaae1(long va) {
            note(TlbiOp.VAAE1, va, -1);
            hw.vaae1(va);
        }

        @Override
        public void vaale1(long va) {
            note(TlbiOp.VAALE1, va, -1);
            hw.vaale1(va);
        }

        @Override
        public void aside1(int asid) {
            note(TlbiOp.ASIDE1, 0, asid);
            hw.aside1(asid);
        }

        @Override
        public void vmalle1() {
            note(TlbiOp.VMALLE1, 0, -1);
            hw.vmalle1();
        }

        @Override
        public void dsb() {
            hw.dsb();
        }
    }
}
