package dev.levitate.sim.backend;

import dev.levitate.sim.gic.GicV2;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.timer.GenericTimer;

/**
 * The guest code of the simulator backend, written with the {@link A64Assembler}: the exception
 * vectors, {@code cpu_switch_to}, the scheduler loop that hands the CPU to the host, and the entry
 * trampolines of new EL1 and EL0 contexts. It lives in a region of RAM the kernel reserves.
 *
 * <h2>Layout of the region (offsets from its base)</h2>
 * <pre>
 *   0x0000  vector table (VBAR_EL1; 16 entries of 128 bytes)
 *   0x0800  code: cpu_switch_to, to_host / sched_switch, trampolines, exception_common, boot
 *   0x3800  mailbox: NEXT, CURRENT, KIND, ESR, FAR, FRAME, IRQ, CVAL (8 bytes each)
 *   0x3900  the scheduler's saved context (104 bytes)
 *   0x4000  an empty translation table: TTBR0 of contexts without an address space
 *   0x5000  the scheduler stack, growing down from 0x10000
 * </pre>
 *
 * <h2>Saved context and frame</h2>
 * A context's TCB sits at the top of its kernel stack: the 104-byte saved context of
 * {@code cpu_switch_to} (x19..x28 at 0..72, x29 at 80, x30 at 88, sp at 96) and its TTBR0 value at
 * 104. An exception frame (x0..x30 at 8n, ELR 248, SPSR 256, SP_EL0 264; 272 bytes) is pushed on
 * the kernel stack by every vector.
 *
 * <h2>One trip</h2>
 * The host writes NEXT (and CVAL, the quantum's timer deadline) and starts the CPU at
 * {@code to_host}; {@code sched_switch} loads NEXT's TTBR0, arms or disarms the physical timer
 * and calls {@code cpu_switch_to(scheduler, NEXT)}. The context runs until an exception: the
 * vector saves the whole frame, records the syndrome in the mailbox, acknowledges and ends an IRQ
 * at the GIC at once (every path sends EOI), and calls {@code cpu_switch_to(CURRENT, scheduler)},
 * which returns into the scheduler loop at {@code to_host}, where the host has a breakpoint.
 * Resuming the context later returns from that call inside the vector, which restores the frame
 * and ERETs.
 */
final class GuestRuntime {
    static final long SIZE = 0x1_0000;
    static final long VECTORS = 0x0000;
    static final long MAILBOX = 0x3800;
    static final long SCHED_CONTEXT = 0x3900;
    static final long EMPTY_TABLE = 0x4000;
    static final long SCHED_STACK_TOP = 0x1_0000;

    static final int MB_NEXT = 0x00;
    static final int MB_CURRENT = 0x08;
    static final int MB_KIND = 0x10;
    static final int MB_ESR = 0x18;
    static final int MB_FAR = 0x20;
    static final int MB_FRAME = 0x28;
    static final int MB_IRQ = 0x30;
    static final int MB_CVAL = 0x38;

    /** The TCB: saved context, then TTBR0 at 104; 128 bytes with padding. */
    static final int TCB_SIZE = 128;
    static final int TCB_TTBR0 = 104;
    /** The exception frame pushed by every vector. */
    static final int FRAME_SIZE = 272;
    static final int FRAME_ELR = 248;
    static final int FRAME_SPSR = 256;
    static final int FRAME_SP_EL0 = 264;

    /** SVC immediates the runtime understands: 0 a system call (number in x8), 1 yield, 2 exit (code in x0). */
    static final int SVC_SYSCALL = 0;
    static final int SVC_YIELD = 1;
    static final int SVC_EXIT = 2;

    final long base;
    final byte[] code;
    final long toHost;
    final long boot;
    final long entryEl1;
    final long entryEl0;

    /**
     * Assembles the runtime for a region whose guest VA is {@code base} and whose devices are seen
     * at {@code deviceOffset} + their physical address.
     */
    GuestRuntime(long base, long deviceOffset) {
        this.base = base;
        A64Assembler a = new A64Assembler(base);
        A64Assembler.Label common = a.label();
        // ---- vectors: 16 entries; each pushes a frame, saves x0/x1, and passes its offset
        for (int entry = 0; entry < 16; entry++) {
            a.subImm(31, 31, FRAME_SIZE);
            a.stp(0, 1, 31, 0);
            a.movz(0, entry * 0x80, 0);
            a.b(common);
            for (int pad = 4; pad < 32; pad++) {
                a.brk(0xDEAD);
            }
        }
        // ---- cpu_switch_to(x0 = prev TCB, x1 = next TCB)
        A64Assembler.Label switchTo = a.label();
        a.bind(switchTo);
        a.addImm(9, 31, 0);
        a.stp(19, 20, 0, 0).stp(21, 22, 0, 16).stp(23, 24, 0, 32).stp(25, 26, 0, 48).stp(27, 28, 0, 64).stp(29, 30, 0, 80);
        a.str(9, 0, 96);
        a.ldp(19, 20, 1, 0).ldp(21, 22, 1, 16).ldp(23, 24, 1, 32).ldp(25, 26, 1, 48).ldp(27, 28, 1, 64).ldp(29, 30, 1, 80);
        a.ldr(9, 1, 96);
        a.addImm(31, 9, 0);
        a.ret();
        // ---- to_host: the host's breakpoint; sched_switch: run NEXT
        A64Assembler.Label toHostLabel = a.label();
        A64Assembler.Label noTimer = a.label();
        A64Assembler.Label go = a.label();
        a.bind(toHostLabel);
        long toHostAddress = a.here();
        a.nop();
        a.mov64(2, base + MAILBOX);
        a.ldr(1, 2, MB_NEXT);
        a.ldr(3, 1, TCB_TTBR0);
        a.msr(SystemRegister.TTBR0_EL1, 3);
        a.isb();
        a.ldr(3, 2, MB_CVAL);
        a.cbz(3, noTimer);
        a.msr(SystemRegister.CNTP_CVAL_EL0, 3);
        a.movz(3, 1, 0);
        a.msr(SystemRegister.CNTP_CTL_EL0, 3);
        a.b(go);
        a.bind(noTimer);
        a.msr(SystemRegister.CNTP_CTL_EL0, 31);
        a.bind(go);
        a.str(1, 2, MB_CURRENT);
        a.mov64(0, base + SCHED_CONTEXT);
        a.bl(switchTo);
        a.b(toHostLabel);
        // ---- a new EL1 context: x19 = entry, x20 = argument; IRQs on, call, exit with the result
        long el1 = a.here();
        a.daifClr(2);
        a.mov(0, 20);
        a.blr(19);
        a.svc(SVC_EXIT);
        a.brk(0xDEAD);
        // ---- a new EL0 context: x19 = entry, x20 = argument, x21 = user SP; nothing of the kernel leaks
        long el0 = a.here();
        a.msr(SystemRegister.ELR_EL1, 19);
        a.msr(SystemRegister.SP_EL0, 21);
        a.msr(SystemRegister.SPSR_EL1, 31);
        a.mov(0, 20);
        for (int r = 1; r <= 30; r++) {
            a.movz(r, 0, 0);
        }
        a.eret();
        // ---- exception_common: x0 = vector offset, x0/x1 saved at [sp]
        a.bind(common);
        for (int r = 2; r < 30; r += 2) {
            a.stp(r, r + 1, 31, 8 * r);
        }
        a.mrs(2, SystemRegister.ELR_EL1);
        a.stp(30, 2, 31, FRAME_ELR - 8);
        a.mrs(2, SystemRegister.SPSR_EL1);
        a.mrs(3, SystemRegister.SP_EL0);
        a.stp(2, 3, 31, FRAME_SPSR);
        a.mov64(4, base + MAILBOX);
        a.str(0, 4, MB_KIND);
        a.mrs(2, SystemRegister.ESR_EL1);
        a.str(2, 4, MB_ESR);
        a.mrs(2, SystemRegister.FAR_EL1);
        a.str(2, 4, MB_FAR);
        a.addImm(2, 31, 0);
        a.str(2, 4, MB_FRAME);
        A64Assembler.Label irq = a.label();
        A64Assembler.Label out = a.label();
        a.tbnz(0, 7, irq);
        a.b(out);
        a.bind(irq);
        a.mov64(5, GicV2.CPU_INTERFACE_BASE + deviceOffset);
        a.ldrw(6, 5, 0x0C);     // GICC_IAR: acknowledge
        a.str(6, 4, MB_IRQ);
        a.strw(6, 5, 0x10);     // GICC_EOIR at once: no path leaves an interrupt active
        a.msr(SystemRegister.CNTP_CTL_EL0, 31); // the quantum timer is one-shot
        a.bind(out);
        a.ldr(0, 4, MB_CURRENT);
        a.mov64(1, base + SCHED_CONTEXT);
        a.bl(switchTo);
        // resumed: restore the frame and return to where the exception came from
        a.ldp(2, 3, 31, FRAME_SPSR);
        a.msr(SystemRegister.SPSR_EL1, 2);
        a.msr(SystemRegister.SP_EL0, 3);
        a.ldp(30, 2, 31, FRAME_ELR - 8);
        a.msr(SystemRegister.ELR_EL1, 2);
        for (int r = 0; r < 30; r += 2) {
            a.ldp(r, r + 1, 31, 8 * r);
        }
        a.addImm(31, 31, FRAME_SIZE);
        a.eret();
        // ---- boot: vectors, GIC distributor and CPU interface, timer PPI enabled; then to the host
        long bootAddress = a.here();
        a.mov64(0, base + VECTORS);
        a.msr(SystemRegister.VBAR_EL1, 0);
        a.isb();
        a.mov64(1, GicV2.DISTRIBUTOR_BASE + deviceOffset);
        a.movz(0, 1, 0);
        a.strw(0, 1, 0x000);                                  // GICD_CTLR
        a.movz(0, 1 << (GenericTimer.PPI_PHYSICAL - 16), 1);
        a.strw(0, 1, 0x100);                                  // GICD_ISENABLER0: PPI 30
        a.movz(0, 0x80, 0);
        a.strb(0, 1, 0x400 + GenericTimer.PPI_PHYSICAL);      // GICD_IPRIORITYR
        a.mov64(1, GicV2.CPU_INTERFACE_BASE + deviceOffset);
        a.movz(0, 0xF0, 0);
        a.strw(0, 1, 0x04);                                   // GICC_PMR
        a.movz(0, 1, 0);
        a.strw(0, 1, 0x00);                                   // GICC_CTLR
        a.b(toHostLabel);
        int[] words = a.assemble();
        if (4L * words.length > MAILBOX) {
            throw new IllegalStateException("guest runtime overflows its code area: " + 4 * words.length + " bytes");
        }
        this.code = a.assembleBytes();
        this.toHost = toHostAddress;
        this.boot = bootAddress;
        this.entryEl1 = el1;
        this.entryEl0 = el0;
    }
}
