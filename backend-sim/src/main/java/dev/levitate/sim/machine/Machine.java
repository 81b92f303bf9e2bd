package dev.levitate.sim.machine;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Bus;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.CpuConfig;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.gic.GicV2;
import dev.levitate.sim.timer.GenericTimer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine shaped like QEMU's {@code virt} board for what it models: RAM at {@value #RAM_BASE}
 * (sparse), flash at 0 ({@value #FLASH_SIZE} bytes, see below), a PL011 UART at {@value #UART_BASE} (transmit to a sink, receive from
 * {@link #uartInput}, receive interrupt on SPI 1 = ID 33), a GICv2 at 0x0800_0000 / 0x0801_0000,
 * the core's generic timer wired to PPIs 30 and 27, Arm semihosting through {@code HLT #0xF000}
 * at EL1 (an EL1 facility: UNDEFINED at EL0, and at EL1 too with
 * {@link CpuConfig#withSemihosting}(false), as QEMU without {@code -semihosting}), and PSCI 1.1
 * through HVC (and SMC) as QEMU's built-in firmware serves it ({@link Psci}: SYSTEM_OFF and
 * SYSTEM_RESET stop the machine, {@link #powerRequest()} says which). The CPU starts at EL1h
 * with the MMU off and interrupts masked, as {@code qemu-system-aarch64 -M virt -cpu cortex-a53
 * -kernel} starts a bare-metal ELF.
 *
 * <p><b>Flash.</b> QEMU virt has two 64 MiB CFI parallel flash devices at 0x0000_0000 and
 * 0x0400_0000, and {@code -kernel} loads an ELF's segments that lie there into them, so an image
 * linked to run from flash (code and read-only data at 0, data copied to RAM by its startup code)
 * runs. Here the window is one sparse region ({@link #flash()}) that holds the segments
 * {@link #loadElf} put there: the guest reads and executes them, and a store to them is a
 * synchronous external abort (the simulator does not model the flash's CFI command set, through
 * which a write on QEMU programs or erases blocks, so a program that uses it stops with a clear
 * syndrome instead of silently doing nothing). The rest of the window stays a hole, as the whole
 * window is on a machine with nothing loaded there (the kernel's): an access to it aborts, where
 * QEMU would read zeros — so a stray low address (a null pointer) still faults, and an image with
 * no vector table stops with a clear message instead of executing zeros as UDF forever.
 *
 * <p>Guest code is untrusted: a wild access, an undefined encoding or a runaway loop ends in a
 * {@link StopKind}, never a Java exception escaping from {@link #run(long)}.
 *
 * <p>Not thread-safe: a machine belongs to one thread.
 */
public final class Machine {
    private static final Logger LOG = LoggerFactory.getLogger(Machine.class);
    /** Where RAM starts, as on QEMU virt. */
    public static final long RAM_BASE = 0x4000_0000L;
    /** Where the flash window starts, as on QEMU virt (flash0; flash1 follows at 0x0400_0000). */
    public static final long FLASH_BASE = 0;
    /** The flash window's size: QEMU virt's two 64 MiB flash devices. */
    public static final long FLASH_SIZE = 0x0800_0000L;
    /** The PL011 UART's base address, as on QEMU virt. */
    public static final long UART_BASE = 0x0900_0000L;
    /** The UART register window. */
    public static final long UART_SIZE = 0x1000;

    /** The PL011's interrupt: SPI 1, interrupt ID 33, as on QEMU virt. */
    public static final int UART_INTERRUPT = 33;

    private static final int UARTDR = 0x000;
    private static final int UARTFR = 0x018;
    private static final int UARTIMSC = 0x038;
    private static final int UARTRIS = 0x03C;
    private static final int UARTMIS = 0x040;
    private static final int UARTICR = 0x044;
    private static final int UARTFR_RXFE = 1 << 4;
    private static final int UARTFR_TXFE = 1 << 7;
    private static final int UART_RXIM = 1 << 4;

    private final PhysicalMemory ram;
    private final long ramLimit;
    private final PhysicalMemory flash = PhysicalMemory.of(FLASH_BASE, FLASH_SIZE);
    /** The flash segments {@link #loadElf} loaded, as [start, end) pairs: what the guest may read and execute. */
    private long[] flashLoaded = new long[0];
    private final Cpu cpu;
    private final IntConsumer uart;
    private final IntConsumer stdout;
    private final IntConsumer stderr;
    private final GicV2 gic = new GicV2();
    private final ArrayDeque<Integer> uartRx = new ArrayDeque<>();
    private int uartImsc;
    private PowerRequest powerRequest;

    /**
     * Creates a machine with the default core ({@link CpuConfig#defaults()}).
     *
     * @param ramBytes RAM size, a multiple of 4 KiB
     * @param uart where the UART's transmitted bytes go
     * @param semihostingOut where semihosting writes to stdout go
     * @param semihostingErr where semihosting writes to stderr go
     */
    public Machine(long ramBytes, IntConsumer uart, IntConsumer semihostingOut, IntConsumer semihostingErr) {
        this(ramBytes, CpuConfig.defaults(), uart, semihostingOut, semihostingErr);
    }

    /**
     * Creates a machine.
     *
     * @param ramBytes RAM size, a multiple of 4 KiB
     * @param config the core's TLB, clocks and timing
     * @param uart where the UART's transmitted bytes go
     * @param semihostingOut where semihosting writes to stdout go
     * @param semihostingErr where semihosting writes to stderr go
     */
    public Machine(long ramBytes, CpuConfig config, IntConsumer uart, IntConsumer semihostingOut, IntConsumer semihostingErr) {
        this(PhysicalMemory.of(RAM_BASE, ramBytes), config, uart, semihostingOut, semihostingErr);
    }

    /**
     * Creates a machine over memory someone else owns (a kernel that builds page tables in it): its
     * first region must start at {@value #RAM_BASE}, where QEMU virt's RAM is.
     *
     * @param memory the RAM
     * @param config the core's TLB, clocks and timing
     * @param uart where the UART's transmitted bytes go
     * @param semihostingOut where semihosting writes to stdout go
     * @param semihostingErr where semihosting writes to stderr go
     * @throws IllegalArgumentException if the memory does not start at RAM_BASE
     */
    public Machine(PhysicalMemory memory, CpuConfig config, IntConsumer uart, IntConsumer semihostingOut, IntConsumer semihostingErr) {
        if (memory.regions().isEmpty() || memory.regions().get(0).base() != RAM_BASE) {
            throw new IllegalArgumentException("QEMU virt's RAM starts at 0x40000000; the memory given has regions " + memory.regions());
        }
        this.ram = memory;
        this.ramLimit = RAM_BASE + memory.regions().get(0).size();
        this.uart = Objects.requireNonNull(uart);
        this.stdout = Objects.requireNonNull(semihostingOut);
        this.stderr = Objects.requireNonNull(semihostingErr);
        this.cpu = new Cpu(new MachineBus(), this::watch, config);
        this.cpu.setSemihosting(new Semihosting());
        ram.setWriteObserver(cpu::invalidateDecoded);
        flash.setWriteObserver(cpu::invalidateDecoded);
        gic.setOnChange(cpu::requestEventCheck);
        cpu.setInterruptLine(new Cpu.InterruptLine() {
            @Override
            public void sync(long cycles) {
                GenericTimer t = cpu.timer();
                gic.setLine(GenericTimer.PPI_PHYSICAL, t.asserted(GenericTimer.PHYSICAL, cycles));
                gic.setLine(GenericTimer.PPI_VIRTUAL, t.asserted(GenericTimer.VIRTUAL, cycles));
            }

            @Override
            public boolean irq() {
                return gic.irq();
            }

            @Override
            public long nextEvent(long cycles) {
                return cpu.timer().nextEvent(cycles);
            }
        });
    }

    /**
     * Returns the interrupt controller.
     *
     * @return the GIC
     */
    public GicV2 gic() {
        return gic;
    }

    /**
     * Queues bytes for the UART to receive (raising its receive interrupt when enabled).
     *
     * @param bytes the input
     */
    public void uartInput(byte[] bytes) {
        for (byte b : bytes) {
            uartRx.add(b & 0xFF);
        }
        updateUartInterrupt();
    }

    private void updateUartInterrupt() {
        gic.setLine(UART_INTERRUPT, !uartRx.isEmpty() && (uartImsc & UART_RXIM) != 0);
    }

    private void watch(long pageBase) {
        if (pageBase >= RAM_BASE && pageBase < ramLimit) {
            ram.watchPage(pageBase);
        } else if (inFlash(pageBase, 1)) {
            flash.watchPage(pageBase); // written only by a later load: decoded code must not outlive it
        }
    }

    /** True if {@code [pa, pa + size)} lies in the flash window. */
    private static boolean inFlash(long pa, int size) {
        return pa >= FLASH_BASE && pa <= FLASH_BASE + FLASH_SIZE - size;
    }

    /** True if {@code [pa, pa + size)} lies in a segment loaded into flash. Overflow-safe. */
    private boolean flashLoaded(long pa, long size) {
        if (size < 0) {
            return false;
        }
        for (int i = 0; i < flashLoaded.length; i += 2) {
            if (pa >= flashLoaded[i] && pa <= flashLoaded[i + 1] - size) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads bytes into the flash window, as {@link #loadElf} does with a segment there: the
     * {@code memorySize} bytes from {@code address} become readable and executable to the guest
     * (the part past {@code bytes} zeroed).
     *
     * @throws IllegalArgumentException if the range is not inside the flash window
     */
    void loadFlash(long address, byte[] bytes, long memorySize) {
        if (memorySize < bytes.length || !flash.contains(address, Math.max(1, memorySize))) {
            throw new IllegalArgumentException(String.format("0x%x + 0x%x is not inside the flash window", address, memorySize));
        }
        flash.zero(address, memorySize);
        flash.write(address, bytes, 0, bytes.length);
        flashLoaded = java.util.Arrays.copyOf(flashLoaded, flashLoaded.length + 2);
        flashLoaded[flashLoaded.length - 2] = address;
        flashLoaded[flashLoaded.length - 1] = address + memorySize;
    }

    /**
     * Returns the PSCI call that ended the run (SYSTEM_OFF, SYSTEM_RESET, or CPU_OFF of the only
     * core), or null if none did; see {@link Psci} for every function served.
     *
     * @return the request, or null
     */
    public PowerRequest powerRequest() {
        return powerRequest;
    }

    /**
     * Returns the RAM.
     *
     * @return the physical memory
     */
    public PhysicalMemory ram() {
        return ram;
    }

    /**
     * Returns the flash window's storage ({@value #FLASH_BASE} .. {@value #FLASH_SIZE}): the host
     * may read and write it; the guest reads and executes only the segments {@link #loadElf} put
     * there, and never writes it.
     *
     * @return the flash contents
     */
    public PhysicalMemory flash() {
        return flash;
    }

    /**
     * Returns the CPU.
     *
     * @return the CPU
     */
    public Cpu cpu() {
        return cpu;
    }

    /**
     * Copies a raw binary into RAM and points the PC at it.
     *
     * @param address where, inside RAM
     * @param image the bytes
     * @throws IllegalArgumentException if the image does not fit in RAM there
     */
    public void loadRaw(long address, byte[] image) {
        if (!ram.contains(address, image.length)) {
            throw new IllegalArgumentException("image of " + image.length + " bytes at 0x" + Long.toHexString(address) + " does not fit in RAM");
        }
        ram.write(address, image, 0, image.length);
        cpu.setPc(address);
        if (LOG.isDebugEnabled()) {
            LOG.debug("loaded a raw image of {} bytes at 0x{}, PC there", image.length, Long.toHexString(address));
        }
    }

    /**
     * Loads an ELF image as {@code qemu-system-aarch64 -M virt -kernel} does: each PT_LOAD segment at
     * its physical address (the part past the file bytes zeroed), in RAM or in the flash window,
     * PC at the entry point. Every segment is checked before anything is written.
     *
     * @param image the parsed image
     * @throws dev.levitate.sim.elf.ElfFormatException if a segment lies neither wholly in RAM nor
     *         wholly in flash (nothing loaded)
     */
    public void loadElf(dev.levitate.sim.elf.ElfImage image) {
        for (dev.levitate.sim.elf.ElfImage.Segment s : image.segments()) {
            if (memoryFor(s) == null) {
                throw new dev.levitate.sim.elf.ElfFormatException(String.format(
                        "%s is outside RAM [0x%x, 0x%x) and flash [0x%x, 0x%x)%s", s, RAM_BASE, ramLimit, FLASH_BASE,
                        FLASH_BASE + FLASH_SIZE, s.address() < RAM_BASE && s.address() >= FLASH_BASE + FLASH_SIZE
                        ? " (if it holds only GNU ld's build-id note, link with -Wl,--build-id=none)" : ""));
            }
        }
        for (dev.levitate.sim.elf.ElfImage.Segment s : image.segments()) {
            if (memoryFor(s) == flash) {
                loadFlash(s.address(), s.bytes(), s.memorySize());
            } else {
                ram.zero(s.address(), s.memorySize());
                ram.write(s.address(), s.bytes(), 0, s.bytes().length);
            }
        }
        cpu.setPc(image.entry());
        if (LOG.isDebugEnabled()) {
            LOG.debug("loaded an ELF image: {} PT_LOAD segment(s) {}, entry 0x{}", image.segments().size(), image.segments(),
                    Long.toHexString(image.entry()));
        }
    }

    /** RAM or flash if the segment lies wholly in it, else null. */
    private PhysicalMemory memoryFor(dev.levitate.sim.elf.ElfImage.Segment s) {
        long size = Math.max(1, s.memorySize());
        if (ram.contains(s.address(), size)) {
            return ram;
        }
        return flash.contains(s.address(), size) ? flash : null;
    }

    /**
     * Runs until a stop or the instruction budget.
     *
     * @param maxInstructions the budget
     * @return why it stopped (details on {@link #cpu()})
     */
    public StopKind run(long maxInstructions) {
        return cpu.run(maxInstructions);
    }

    /**
     * Whether {@code [pa, pa + size)} lies in RAM: the one check every physical access of the guest
     * goes through (loads, stores and fetches on the bus, and semihosting's parameter reads).
     * Overflow-safe for any {@code pa}.
     */
    private boolean inRam(long pa, long size) {
        return pa >= RAM_BASE && size >= 0 && pa <= ramLimit - size;
    }

    private final class MachineBus implements Bus {
        private boolean fault;

        @Override
        public long read(long pa, int size) {
            if (inRam(pa, size)) {
                switch (size) {
                    case 1: return ram.read8(pa);
                    case 2: return ram.read16(pa);
                    case 4: return Integer.toUnsignedLong(ram.read32(pa));
                    default: return ram.read64(pa);
                }
            }
            if (flashLoaded(pa, size)) {
                switch (size) {
                    case 1: return flash.read8(pa);
                    case 2: return flash.read16(pa);
                    case 4: return Integer.toUnsignedLong(flash.read32(pa));
                    default: return flash.read64(pa);
                }
            }
            if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
                return uartRead((int) (pa - UART_BASE));
            }
            if (pa >= GicV2.DISTRIBUTOR_BASE && pa < GicV2.DISTRIBUTOR_BASE + GicV2.WINDOW) {
                return gic.readDistributor(pa - GicV2.DISTRIBUTOR_BASE, size);
            }
            if (pa >= GicV2.CPU_INTERFACE_BASE && pa < GicV2.CPU_INTERFACE_BASE + GicV2.WINDOW) {
                return gic.readCpuInterface(pa - GicV2.CPU_INTERFACE_BASE, size);
            }
            fault = true;
            return 0;
        }

        @Override
        public void write(long pa, int size, long value) {
            if (inRam(pa, size)) {
                switch (size) {
                    case 1: ram.write8(pa, (int) value); break;
                    case 2: ram.write16(pa, (int) value); break;
                    case 4: ram.write32(pa, (int) value); break;
                    default: ram.write64(pa, value); break;
                }
                return;
            }
            if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
                uartWrite((int) (pa - UART_BASE), value);
                return;
            }
            if (pa >= GicV2.DISTRIBUTOR_BASE && pa < GicV2.DISTRIBUTOR_BASE + GicV2.WINDOW) {
                gic.writeDistributor(pa - GicV2.DISTRIBUTOR_BASE, size, value);
                return;
            }
            if (pa >= GicV2.CPU_INTERFACE_BASE && pa < GicV2.CPU_INTERFACE_BASE + GicV2.WINDOW) {
                gic.writeCpuInterface(pa - GicV2.CPU_INTERFACE_BASE, size, value);
                return;
            }
            fault = true;
        }

        @Override
        public boolean faulted() {
            boolean f = fault;
            fault = false;
            return f;
        }

        @Override
        public byte[] ramPage(long pa, boolean forWrite) {
            if (pa < RAM_BASE || pa >= ramLimit || forWrite && ram.isWatched(pa)) {
                return null;
            }
            return ram.backingPage(pa, forWrite);
        }

        @Override
        public long storageEpoch() {
            return ram.storageEpoch();
        }

        @Override
        public boolean executable(long pa) {
            return inRam(pa, 4) || flashLoaded(pa, 4);
        }

        @Override
        public int fetch(long pa) {
            if (inRam(pa, 4)) {
                return ram.read32(pa);
            }
            if (flashLoaded(pa, 4)) {
                return flash.read32(pa);
            }
            fault = true;
            return 0;
        }
    }

    private long uartRead(int off) {
        switch (off) {
            case UARTDR: {
                Integer b = uartRx.poll();
                updateUartInterrupt();
                return b == null ? 0 : b;
            }
            case UARTFR: return (uartRx.isEmpty() ? UARTFR_RXFE : 0) | UARTFR_TXFE;
            case UARTIMSC: return uartImsc;
            case UARTRIS: return uartRx.isEmpty() ? 0 : UART_RXIM;
            case UARTMIS: return uartRx.isEmpty() ? 0 : uartImsc & UART_RXIM;
            default: return 0;
        }
    }

    private void uartWrite(int off, long value) {
        switch (off) {
            case UARTDR: uart.accept((int) value & 0xFF); break;
            case UARTIMSC: uartImsc = (int) value & 0x7FF; updateUartInterrupt(); break;
            case UARTICR: break; // receive interrupt is level: it clears when the FIFO drains
            default: break;
        }
    }

    /**
     * Arm semihosting (AArch64: HLT #0xF000 at EL1, operation in w0, parameter in x1; the core calls
     * it only at EL1 and only when {@link CpuConfig#semihosting()} is on) and PSCI.
     *
     * <p>Parameters are physical addresses, and every byte read goes through {@link #readable}: RAM
     * (the bus's own RAM check) or a segment loaded into the flash window; nothing else (devices included) is ever read, a read never throws,
     * and each call is bounded (SYS_WRITE0 stops after {@value #MAX_STRING} bytes, SYS_WRITE after
     * {@value #MAX_WRITE}). Errors are the calls' error returns, as QEMU gives them: SYS_WRITEC of an
     * address outside RAM and flash writes nothing; SYS_WRITE0 stops at the first byte outside them; SYS_WRITE
     * returns -1 when its parameter block is outside them and writes nothing, returning the whole
     * length as not written, when its buffer is not wholly in RAM or wholly in flash.
     */
    private final class Semihosting implements Cpu.SemihostingHandler {
        static final int SYS_WRITEC = 0x03;
        static final int SYS_WRITE0 = 0x04;
        static final int SYS_WRITE = 0x05;
        static final int SYS_EXIT = 0x18;
        static final int SYS_EXIT_EXTENDED = 0x20;
        static final long ADP_STOPPED_APPLICATION_EXIT = 0x20026;
        /** The longest string one SYS_WRITE0 prints. */
        static final int MAX_STRING = 1 << 20;
        /** The most bytes one SYS_WRITE prints (the rest is returned as not written). */
        static final int MAX_WRITE = 1 << 24;

        /**
         * Whether {@code [pa, pa + size)} lies wholly in RAM or wholly in a segment loaded into the
         * flash window (a string in an image's read-only data may be in either); never a device,
         * never the unloaded rest of the window. Overflow-safe.
         */
        private boolean readable(long pa, long size) {
            return inRam(pa, size) || flashLoaded(pa, size);
        }

        /** A byte of RAM or flash; the caller checked {@link #readable}. */
        private int read8(long pa) {
            return inRam(pa, 1) ? ram.read8(pa) : flash.read8(pa);
        }

        /** A doubleword of RAM or flash; the caller checked {@link #readable}. */
        private long read64(long pa) {
            return inRam(pa, 8) ? ram.read64(pa) : flash.read64(pa);
        }

        @Override
        public StopKind semihost(Cpu c) {
            int op = (int) c.reg(0);
            long param = c.reg(1);
            switch (op) {
                case SYS_WRITEC:
                    if (readable(param, 1)) {
                        stdout.accept(read8(param));
                    }
                    return StopKind.NONE;
                case SYS_WRITE0:
                    for (long i = 0; i < MAX_STRING && readable(param + i, 1); i++) {
                        int ch = read8(param + i);
                        if (ch == 0) {
                            break;
                        }
                        stdout.accept(ch);
                    }
                    return StopKind.NONE;
                case SYS_WRITE: {
                    if (!readable(param, 24)) {
                        c.setReg(0, -1);
                        return StopKind.NONE;
                    }
                    long fd = read64(param);
                    long buf = read64(param + 8);
                    long len = read64(param + 16);
                    if (!readable(buf, len)) {
                        c.setReg(0, len); // nothing written
                        return StopKind.NONE;
                    }
                    IntConsumer sink = fd == 2 ? stderr : stdout;
                    long written = Math.min(len, MAX_WRITE);
                    for (long i = 0; i < written; i++) {
                        sink.accept(read8(buf + i));
                    }
                    c.setReg(0, len - written);
                    return StopKind.NONE;
                }
                case SYS_EXIT:
                case SYS_EXIT_EXTENDED: {
                    // AArch64: x1 points at {reason, subcode}; a block outside RAM is a plain failure
                    boolean block = readable(param, 16);
                    long reason = block ? read64(param) : param;
                    long code = block ? read64(param + 8) : 1;
                    c.stopWith(StopKind.EXIT, reason == ADP_STOPPED_APPLICATION_EXIT ? code : 1);
                    return StopKind.EXIT;
                }
                default:
                    c.setReg(0, -1);
                    return StopKind.NONE;
            }
        }

        @Override
        public StopKind psci(Cpu c) {
            return Psci.call(c, r -> powerRequest = r);
        }
    }
}
