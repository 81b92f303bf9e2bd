package dev.levitate.sim.machine;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Bus;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A machine shaped like QEMU's {@code virt} board for what it models so far: RAM at
 * {@value #RAM_BASE} (sparse), a PL011 UART at {@value #UART_BASE} whose transmitted bytes go to a
 * sink, Arm semihosting through {@code HLT #0xF000}, and PSCI SYSTEM_OFF through HVC/SMC. The CPU
 * starts at EL1 with the MMU off (exceptions, MMU, timer and GIC come with backend-sim part 2).
 *
 * <p>Guest code is untrusted: a wild access, an undefined encoding or a runaway loop ends in a
 * {@link StopKind}, never a Java exception escaping from {@link #run(long)}.
 *
 * <p>Not thread-safe: a machine belongs to one thread.
 */
public final class Machine {
    /** Where RAM starts, as on QEMU virt. */
    public static final long RAM_BASE = 0x4000_0000L;
    /** The PL011 UART's base address, as on QEMU virt. */
    public static final long UART_BASE = 0x0900_0000L;
    /** The UART register window. */
    public static final long UART_SIZE = 0x1000;

    private static final int UARTDR = 0x000;
    private static final int UARTFR = 0x018;
    private static final int UARTFR_RXFE = 1 << 4;
    private static final int UARTFR_TXFE = 1 << 7;

    private final PhysicalMemory ram;
    private final long ramLimit;
    private final Cpu cpu;
    private final IntConsumer uart;
    private final IntConsumer stdout;
    private final IntConsumer stderr;

    /**
     * Creates a machine.
     *
     * @param ramBytes RAM size, a multiple of 4 KiB
     * @param uart where the UART's transmitted bytes go
     * @param semihostingOut where semihosting writes to stdout go
     * @param semihostingErr where semihosting writes to stderr go
     */
    public Machine(long ramBytes, IntConsumer uart, IntConsumer semihostingOut, IntConsumer semihostingErr) {
        this.ram = PhysicalMemory.of(RAM_BASE, ramBytes);
        this.ramLimit = RAM_BASE + ramBytes;
        this.uart = Objects.requireNonNull(uart);
        this.stdout = Objects.requireNonNull(semihostingOut);
        this.stderr = Objects.requireNonNull(semihostingErr);
        this.cpu = new Cpu(new MachineBus(), this::watch);
        this.cpu.setSemihosting(new Semihosting());
        ram.setWriteObserver(cpu::invalidateDecoded);
    }

    private void watch(long pageBase) {
        if (pageBase >= RAM_BASE && pageBase < ramLimit) {
            ram.watchPage(pageBase);
        }
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
    }

    /**
     * Loads an ELF image as {@code qemu-system-aarch64 -M virt -kernel} does: each PT_LOAD segment at
     * its physical address (the part past the file bytes zeroed), PC at the entry point. Every
     * segment is checked against RAM before anything is written.
     *
     * @param image the parsed image
     * @throws dev.levitate.sim.elf.ElfFormatException if a segment lies outside RAM (nothing loaded)
     */
    public void loadElf(dev.levitate.sim.elf.ElfImage image) {
        for (dev.levitate.sim.elf.ElfImage.Segment s : image.segments()) {
            if (!ram.contains(s.address(), Math.max(1, s.memorySize()))) {
                throw new dev.levitate.sim.elf.ElfFormatException(String.format(
                        "%s is outside RAM [0x%x, 0x%x)", s, RAM_BASE, ramLimit));
            }
        }
        for (dev.levitate.sim.elf.ElfImage.Segment s : image.segments()) {
            ram.zero(s.address(), s.memorySize());
            ram.write(s.address(), s.bytes(), 0, s.bytes().length);
        }
        cpu.setPc(image.entry());
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

    private final class MachineBus implements Bus {
        private boolean fault;

        @Override
        public long read(long pa, int size) {
            if (pa >= RAM_BASE && pa <= ramLimit - size) {
                switch (size) {
                    case 1: return ram.read8(pa);
                    case 2: return ram.read16(pa);
                    case 4: return Integer.toUnsignedLong(ram.read32(pa));
                    default: return ram.read64(pa);
                }
            }
            if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
                int off = (int) (pa - UART_BASE);
                return off == UARTFR ? UARTFR_RXFE | UARTFR_TXFE : 0;
            }
            fault = true;
            return 0;
        }

        @Override
        public void write(long pa, int size, long value) {
            if (pa >= RAM_BASE && pa <= ramLimit - size) {
                switch (size) {
                    case 1: ram.write8(pa, (int) value); break;
                    case 2: ram.write16(pa, (int) value); break;
                    case 4: ram.write32(pa, (int) value); break;
                    default: ram.write64(pa, value); break;
                }
                return;
            }
            if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
                if (pa - UART_BASE == UARTDR) {
                    uart.accept((int) value & 0xFF);
                }
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
        public int fetch(long pa) {
            if (pa >= RAM_BASE && pa <= ramLimit - 4) {
                return ram.read32(pa);
            }
            fault = true;
            return 0;
        }
    }

    /** Arm semihosting (AArch64: HLT #0xF000, operation in w0, parameter in x1) and PSCI. */
    private final class Semihosting implements Cpu.SemihostingHandler {
        static final int SYS_WRITEC = 0x03;
        static final int SYS_WRITE0 = 0x04;
        static final int SYS_WRITE = 0x05;
        static final int SYS_EXIT = 0x18;
        static final int SYS_EXIT_EXTENDED = 0x20;
        static final long ADP_STOPPED_APPLICATION_EXIT = 0x20026;
        static final long PSCI_SYSTEM_OFF = 0x8400_0008L;

        private long readOr(long pa, int size, long fallback) {
            if (pa >= RAM_BASE && pa <= ramLimit - size) {
                return size == 8 ? ram.read64(pa) : ram.read8(pa);
            }
            return fallback;
        }

        @Override
        public StopKind semihost(Cpu c) {
            int op = (int) c.reg(0);
            long param = c.reg(1);
            switch (op) {
                case SYS_WRITEC:
                    stdout.accept((int) readOr(param, 1, '?'));
                    return StopKind.NONE;
                case SYS_WRITE0:
                    for (long p = param; p < param + (1 << 20); p++) {
                        int ch = (int) readOr(p, 1, 0);
                        if (ch == 0) {
                            break;
                        }
                        stdout.accept(ch);
                    }
                    return StopKind.NONE;
                case SYS_WRITE: {
                    long fd = readOr(param, 8, -1);
                    long buf = readOr(param + 8, 8, 0);
                    long len = readOr(param + 16, 8, 0);
                    IntConsumer sink = fd == 2 ? stderr : stdout;
                    long written = 0;
                    for (; written < len && written < (1 << 24); written++) {
                        long a = buf + written;
                        if (a < RAM_BASE || a >= ramLimit) {
                            break;
                        }
                        sink.accept(ram.read8(a));
                    }
                    c.setReg(0, len - written);
                    return StopKind.NONE;
                }
                case SYS_EXIT:
                case SYS_EXIT_EXTENDED: {
                    long reason = readOr(param, 8, param);
                    long code = readOr(param + 8, 8, 1);
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
            return (c.reg(0) & 0xFFFF_FFFFL) == PSCI_SYSTEM_OFF ? StopKind.POWER_OFF : StopKind.EXCEPTION_CALL;
        }
    }
}
