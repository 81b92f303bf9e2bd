package dev.levitate.sim.gdb;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.machine.Machine;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A GDB remote-serial-protocol stub for a {@link Machine}, like QEMU's {@code -s -S}: it listens on
 * a loopback TCP port, accepts one debugger, and serves the machine, stopped at its entry, until
 * the debugger kills, detaches or disconnects; then {@link #serve()} may wait for the next one.
 *
 * <pre>
 *   try (GdbStub stub = GdbStub.listen(machine, 1234)) {   // 0 picks a free port: stub.port()
 *       GdbStub.Ending how = stub.serve();                 // blocks; returns when the session ends
 *   }
 *   $ gdb-multiarch -ex 'set architecture aarch64' -ex 'target remote :1234' image.elf
 * </pre>
 *
 * <h2>What it serves</h2>
 * <ul>
 *   <li>Registers {@code g G p P}: x0..x30, sp, pc and cpsr (the whole PSTATE as SPSR_EL1 saves
 *       it: NZCV, IL, DAIF, EL and SPSel) as GDB's {@code org.gnu.gdb.aarch64.core} feature
 *       numbers them, then the EL1 system registers of the {@code org.levitate.gdb.aarch64.sysregs}
 *       feature ({@link Registers}), announced through {@code qXfer:features:read:target.xml}. No
 *       {@code fpu} feature: the core has no FP/SIMD registers yet.</li>
 *   <li>Memory {@code m M X}: virtual addresses, translated as the core sees them now (its TLB
 *       entry, else the tables, with no side effect on either; the address itself with the MMU
 *       off), in RAM or the flash window; {@code monitor phys on} switches to physical addresses.
 *       An address with no translation or outside RAM and flash gets {@code E01}; a read that runs
 *       into such a page returns the part before it; a write is all or nothing, RAM only.</li>
 *   <li>Execution {@code c s vCont} (with an optional address for {@code c s}), {@code ?},
 *       Ctrl-C while running.</li>
 *   <li>Software breakpoints {@code Z0} (up to {@value #MAX_BREAKPOINTS}) and hardware ones
 *       {@code Z1} (up to {@value #MAX_HARDWARE_BREAKPOINTS}, a Cortex-A53's count), kept in sets
 *       (the guest's memory is never patched); watchpoints {@code Z2 Z3 Z4} (write, read,
 *       access; up to {@value #MAX_WATCHPOINTS} together, a Cortex-A53's count, of up to 4 KiB
 *       each, {@link Watchpoints}) on virtual addresses. One more gets {@code E02}, as gdbserver
 *       answers when the hardware has no free debug register.</li>
 *   <li>{@code monitor} commands ({@code qRcmd}, {@link Monitor}): {@code help}, {@code phys
 *       on|off}, {@code tlb}, {@code pagetable ttbr0|ttbr1}, {@code cycles}, {@code stats}.</li>
 *   <li>Session: {@code qSupported}, {@code QStartNoAckMode}, {@code qAttached}, {@code qC},
 *       {@code qfThreadInfo}/{@code qsThreadInfo} (one thread), {@code H}, {@code T}, {@code k},
 *       {@code vKill}, {@code D}. Anything else gets the empty reply.</li>
 * </ul>
 *
 * <h2>Stop replies</h2>
 * <pre>
 *   T05swbreak:;  T05hwbreak:;    at a Z0 / Z1 breakpoint
 *   T05watch:ADDR;  T05rwatch:ADDR;  T05awatch:ADDR;   before the access to a watched range
 *   S05                    after a step, at BRK     S02              Ctrl-C
 *   S04 / S0b / S0a        undefined instruction / access outside RAM / misaligned PC or SP
 *   S0c                    SVC, HVC or SMC with no one to serve it
 *   Wxx                    the guest exited through semihosting with code xx (PSCI off: W00)
 * </pre>
 *
 * <h2>Continuing</h2>
 * With no watchpoints and at most one breakpoint, the CPU runs in chunks of
 * {@value #CHUNK} instructions with that breakpoint set on the {@link Cpu}; with more
 * breakpoints it runs one instruction at a time and looks the PC up in the sets; with watchpoints,
 * one at a time around {@link Watchpoints}. After about {@value #CHUNK} instructions' worth of
 * work (an instruction under watchpoints counts for the bytes it compares) it polls the socket
 * for Ctrl-C (without blocking), and about twice a second it checks whether the debugger went
 * away.
 *
 * <h2>Errors and dropped connections</h2>
 * Bad checksums get '-'; a packet that does not parse gets {@code E03}; a connection that closes
 * or fails (reset, broken pipe) at any point ends the session as {@link Ending#DISCONNECTED},
 * with the reason in {@link #endReason()}. Nothing the debugger sends or does makes an
 * exception leave {@link #serve()}; it throws only when it cannot wait for a debugger.
 *
 * <h2>Threads</h2>
 * Not thread-safe. {@link #serve()} runs in the caller's thread and owns the machine while it
 * runs; {@link #close()} may be called from another thread to stop waiting for a debugger.
 */
public final class GdbStub implements Closeable {
    /** Instructions per chunk between two polls for Ctrl-C. */
    static final int CHUNK = 4096;
    /** How often a running stub checks that the debugger is still connected. */
    private static final long PROBE_INTERVAL_NANOS = 500_000_000L;

    // GDB's own signal numbers (gdb/signals.def), which the protocol carries, not the host's.
    /** Interrupted by the debugger (Ctrl-C). */
    static final int SIGINT = 2;
    /** Undefined instruction. */
    static final int SIGILL = 4;
    /** Breakpoint, step, BRK. */
    static final int SIGTRAP = 5;
    /** Misaligned PC or SP. */
    static final int SIGBUS = 10;
    /** Access outside RAM and devices. */
    static final int SIGSEGV = 11;
    /** SVC, HVC or SMC with no one to serve it. */
    static final int SIGSYS = 12;

    /** Memory access errors. */
    private static final String E_MEMORY = "E01";
    /** A watchpoint or breakpoint that cannot be placed. */
    private static final String E_POINT = "E02";
    /** A packet that does not parse. */
    private static final String E_MALFORMED = "E03";
    /** A register number out of range. */
    private static final String E_REGISTER = "E04";
    /** A register that cannot be written (CurrentEL, an ID register, a counter). */
    private static final String E_READ_ONLY = "E05";

    /**
     * The most software breakpoints ({@code Z0}) a session may place; one more gets {@code E02}.
     * Looking the PC up costs the same for any number; the bound keeps what a debugger can make
     * the stub hold finite.
     */
    public static final int MAX_BREAKPOINTS = 1024;

    /**
     * The most hardware breakpoints ({@code Z1}) at once: a Cortex-A53's breakpoint registers
     * (DBGBVR0..5_EL1). One more gets {@code E02}.
     */
    public static final int MAX_HARDWARE_BREAKPOINTS = 6;

    /**
     * The most watchpoints ({@code Z2}, {@code Z3} and {@code Z4} together) at once: a
     * Cortex-A53's watchpoint registers (DBGWVR0..3_EL1). One more gets {@code E02}.
     */
    public static final int MAX_WATCHPOINTS = Watchpoints.MAX_WATCHPOINTS;

    /** Longest memory read served at once (the reply doubles it in hex). */
    static final int MAX_READ = PacketChannel.MAX_PACKET / 2 - 16;

    private final Cpu cpu;
    private final PhysicalMemory ram;
    private final PhysicalMemory flash;
    private final Monitor monitor;
    private final int port;
    private volatile ServerSocket server;
    private volatile boolean closed;
    private final Set<Long> breakpoints = new HashSet<>();
    private final Set<Long> hardwareBreakpoints = new HashSet<>();
    private final Watchpoints watchpoints;
    private Consumer<String> log = s -> { };
    private PacketChannel channel;
    private String lastStop = "S05";
    private boolean exited;
    private String endReason = "no session yet";

    /** How a debugging session ended. */
    public enum Ending {
        /** The debugger detached ({@code D}); the machine is left as it was. */
        DETACHED,
        /** The debugger killed the target ({@code k} or {@code vKill}). */
        KILLED,
        /** The connection closed or failed without either (see {@link GdbStub#endReason()}). */
        DISCONNECTED
    }

    private GdbStub(Machine machine, ServerSocket server) {
        this.cpu = machine.cpu();
        this.ram = machine.ram();
        this.flash = machine.flash();
        this.monitor = new Monitor(cpu);
        this.server = server;
        this.port = server.getLocalPort();
        this.watchpoints = new Watchpoints(ram);
    }

    /**
     * Binds a loopback port for a machine; nothing is accepted until {@link #serve()}.
     *
     * @param machine the machine to serve (its CPU as loaded: GDB finds it stopped there)
     * @param port a TCP port, or 0 for a free one (see {@link #port()})
     * @return the stub
     * @throws IOException if the port cannot be bound
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public static GdbStub listen(Machine machine, int port) throws IOException {
        Objects.requireNonNull(machine, "machine");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        return new GdbStub(machine, bind(port));
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Returns the port the stub listens on (the chosen one when 0 was asked for).
     *
     * @return the TCP port
     */
    public int port() {
        return port;
    }

    /**
     * Says, in one line, how the last session ended: who ended it, or how the connection failed
     * (for example {@code "the connection failed: Connection reset"}).
     *
     * @return the reason, or {@code "no session yet"}
     */
    public String endReason() {
        return endReason;
    }

    /**
     * Sets where each packet received and each reply sent is described, one line each (the
     * default drops them).
     *
     * @param log the sink, called on the serving thread
     */
    public void setLog(Consumer<String> log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Waits for one debugger and serves it until it kills, detaches or disconnects. The listening
     * socket is closed once the debugger is connected, so a second debugger is refused meanwhile.
     *
     * <p>A connection that fails (reset, broken pipe) or closes, before a reply, inside a packet
     * or while the guest runs, ends the session as {@link Ending#DISCONNECTED} with the reason in
     * {@link #endReason()}: no exception. The machine stays as it was (a running guest is stopped
     * where it was; {@code ?} then answers {@code S02}) and {@code serve()} may be called again to
     * wait for the next debugger on the same port, as gdbserver reopens its connection. Each
     * session starts with no breakpoints and no watchpoints (a new GDB inserts its own).
     *
     * @return how the session ended
     * @throws IOException only if the stub cannot wait for a debugger: {@link #close()} was
     *     called (before or while waiting), or the port cannot be bound again
     */
    public Ending serve() throws IOException {
        Socket socket = accept();
        try (socket) {
            breakpoints.clear();
            hardwareBreakpoints.clear();
            watchpoints.clear(cpu);
            monitor.reset();
            socket.setTcpNoDelay(true);
            channel = new PacketChannel(socket);
            Ending ending = session();
            endReason = switch (ending) {
                case DETACHED -> "GDB detached";
                case KILLED -> "GDB killed the target";
                case DISCONNECTED -> "GDB closed the connection";
            };
            return ending;
        } catch (IOException e) { // the connection, not the stub: reset, broken pipe, timeout
            endReason = "the connection failed: " + e.getMessage();
            log.accept("   " + endReason);
            return Ending.DISCONNECTED;
        } finally {
            cpu.setBreakpoint(-1);
            channel = null;
        }
    }

    /** Accepts one debugger and stops listening; binds the port again if a session ran before. */
    private Socket accept() throws IOException {
        ServerSocket s;
        synchronized (this) {
            if (closed) {
                throw new java.net.SocketException("the GDB stub on port " + port + " is closed");
            }
            if (server.isClosed()) {
                server = bind(port);
            }
            s = server;
        }
        try {
            return s.accept();
        } finally {
            s.close();
        }
    }

    /**
     * Stops listening; a {@link #serve()} still waiting for a debugger ends with an
     * {@link IOException}.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        server.close();
    }

    private Ending session() throws IOException {
        for (;;) {
            byte[] raw = channel.receive();
            if (raw == null) {
                return Ending.DISCONNECTED;
            }
            String packet = new String(raw, StandardCharsets.ISO_8859_1);
            log.accept("<- " + printable(packet));
            if (packet.equals("k")) {
                return Ending.KILLED;
            }
            String reply;
            try {
                reply = dispatch(packet);
            } catch (MalformedPacketException e) {
                log.accept("   malformed: " + e.getMessage());
                reply = E_MALFORMED;
            }
            if (reply == null) {
                return Ending.DISCONNECTED; // the debugger went away while the guest ran
            }
            log.accept("-> " + printable(reply));
            channel.send(reply);
            if (packet.equals("QStartNoAckMode")) {
                channel.disableAcks();
            } else if (packet.startsWith("D")) {
                return Ending.DETACHED;
            } else if (packet.startsWith("vKill")) {
                return Ending.KILLED;
            }
        }
    }

    /** Returns the reply, or null if the debugger disconnected while the guest ran. */
    private String dispatch(String p) throws MalformedPacketException, IOException {
        if (p.isEmpty()) {
            return "";
        }
        String args = p.substring(1);
        switch (p.charAt(0)) {
            case '?':
                return lastStop;
            case 'g':
                return readAllRegisters();
            case 'G':
                return writeAllRegisters(args);
            case 'p':
                return readRegister(args);
            case 'P':
                return writeRegister(args);
            case 'm':
                return readMemory(args);
            case 'M':
                return writeMemory(args, false, raw(p));
            case 'X':
                return writeMemory(args, true, raw(p));
            case 'c':
                return resume(args, false);
            case 's':
                return resume(args, true);
            case 'v':
                if (p.startsWith("vCont")) {
                    return vCont(p.substring("vCont".length()));
                }
                return query(p);
            case 'Z':
                return point(args, true);
            case 'z':
                return point(args, false);
            case 'H':
            case 'T':
                return "OK"; // one thread, always alive
            case 'D':
                return "OK";
            case 'q':
                if (p.startsWith("qRcmd,")) {
                    return monitorCommand(p.substring("qRcmd,".length()));
                }
                return query(p);
            case 'Q':
                return query(p);
            default:
                return "";
        }
    }

    private String query(String p) throws MalformedPacketException {
        if (p.startsWith("qSupported")) {
            return "PacketSize=" + Integer.toHexString(PacketChannel.MAX_PACKET)
                    + ";qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+";
        }
        if (p.startsWith("qXfer:features:read:")) {
            return features(p.substring("qXfer:features:read:".length()));
        }
        switch (p) {
            case "QStartNoAckMode":
                return "OK";
            case "qAttached":
                return "1";
            case "qC":
                return "QC1";
            case "qfThreadInfo":
                return "m1";
            case "qsThreadInfo":
                return "l";
            default:
                break;
        }
        if (p.startsWith("vKill")) {
            return "OK";
        }
        return "";
    }

    /** {@code qXfer:features:read:ANNEX:OFFSET,LENGTH}. */
    private String features(String rest) throws MalformedPacketException {
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new MalformedPacketException("qXfer without offset,length: " + rest);
        }
        if (!rest.substring(0, colon).equals("target.xml")) {
            return "E00";
        }
        long[] ol = pair(rest.substring(colon + 1), "qXfer offset,length");
        String xml = Registers.targetXml();
        long offset = ol[0];
        long length = atMost(ol[1], MAX_READ);
        if (Long.compareUnsigned(offset, xml.length()) >= 0) {
            return "l";
        }
        int end = (int) Math.min(xml.length(), offset + length);
        return (end == xml.length() ? "l" : "m") + xml.substring((int) offset, end);
    }

    // ------------------------------------------------------------------ registers

    private String readAllRegisters() {
        StringBuilder sb = new StringBuilder(Registers.BLOCK_BYTES * 2);
        Registers.appendAll(cpu, sb);
        return sb.toString();
    }

    private String writeAllRegisters(String hex) throws MalformedPacketException {
        byte[] block = Hex.bytes(hex, "G register block");
        if (block.length != Registers.BLOCK_BYTES) {
            throw new MalformedPacketException("G carries " + block.length + " bytes, not " + Registers.BLOCK_BYTES);
        }
        Registers.writeAll(cpu, block);
        return "OK";
    }

    private String readRegister(String args) throws MalformedPacketException {
        long n = Hex.number(args, "register number");
        if (n < 0 || n >= Registers.COUNT) {
            return E_REGISTER;
        }
        StringBuilder sb = new StringBuilder(16);
        Hex.appendLittleEndian(sb, Registers.read(cpu, (int) n), Registers.size((int) n));
        return sb.toString();
    }

    private String writeRegister(String args) throws MalformedPacketException {
        int eq = args.indexOf('=');
        if (eq < 0) {
            throw new MalformedPacketException("P without '=': " + args);
        }
        long n = Hex.number(args.substring(0, eq), "register number");
        byte[] value = Hex.bytes(args.substring(eq + 1), "register value");
        if (n < 0 || n >= Registers.COUNT) {
            return E_REGISTER;
        }
        if (value.length != Registers.size((int) n)) {
            throw new MalformedPacketException("register " + n + " takes " + Registers.size((int) n) + " bytes, not " + value.length);
        }
        return Registers.write(cpu, (int) n, Hex.littleEndian(value, 0, value.length)) ? "OK" : E_READ_ONLY;
    }

    // ------------------------------------------------------------------ memory

    private String readMemory(String args) throws MalformedPacketException {
        long[] al = pair(args, "m address,length");
        long address = al[0];
        int length = (int) atMost(al[1], MAX_READ);
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) { // page by page: each page has its own translation
            long va = address + done;
            int run = (int) Math.min(length - done, 0x1000 - (va & 0xFFF));
            PhysicalMemory storage = storage(va, run);
            if (storage == null) {
                break; // the protocol lets a reply carry fewer bytes than asked
            }
            storage.read(physicalAddress(va), bytes, done, run);
            done += run;
            if (va + run == 0) {
                break; // the top of the address space
            }
        }
        if (done == 0) {
            return E_MEMORY;
        }
        StringBuilder sb = new StringBuilder(done * 2);
        for (int i = 0; i < done; i++) {
            Hex.appendByte(sb, bytes[i]);
        }
        return sb.toString();
    }

    /**
     * Where a memory packet's address goes: itself under {@code monitor phys on}, else its
     * translation as the core sees it now ({@link dev.levitate.sim.mmu.Mmu#translateForDebugger}:
     * the TLB's entry, else the tables; the VA itself with the MMU off).
     */
    private long physicalAddress(long address) {
        return monitor.physical() ? address : cpu.mmu().translateForDebugger(address);
    }

    /**
     * The storage behind {@code [va, va + length)} within one page (RAM, or the flash window), or
     * null if the page does not translate or the bytes are not wholly in either: devices are not
     * read, since a read of a device register has side effects.
     */
    private PhysicalMemory storage(long va, int length) {
        long pa = physicalAddress(va);
        if (pa == dev.levitate.sim.mmu.Mmu.FAULT && !monitor.physical()) {
            return null;
        }
        if (ram.contains(pa, length)) {
            return ram;
        }
        return flash.contains(pa, length) ? flash : null;
    }

    /** {@code M addr,len:hex} or {@code X addr,len:binary}; {@code raw} is the unescaped payload. */
    private String writeMemory(String args, boolean binary, byte[] raw) throws MalformedPacketException {
        int colon = args.indexOf(':');
        if (colon < 0) {
            throw new MalformedPacketException("memory write without ':'");
        }
        long[] al = pair(args.substring(0, colon), "address,length");
        byte[] data;
        if (binary) {
            int start = 1 + colon + 1; // 'X' + args up to ':' + ':'
            data = java.util.Arrays.copyOfRange(raw, start, raw.length);
        } else {
            data = Hex.bytes(args.substring(colon + 1), "memory data");
        }
        if (al[1] != data.length) {
            throw new MalformedPacketException("length " + al[1] + " but " + data.length + " bytes of data");
        }
        if (data.length == 0) {
            return "OK"; // GDB probes X support with a zero-length write
        }
        long address = al[0];
        // every page first, so that a write that cannot be done whole changes nothing
        for (int done = 0; done < data.length; ) {
            long va = address + done;
            int run = (int) Math.min(data.length - done, 0x1000 - (va & 0xFFF));
            if (storage(va, run) != ram || (va + run == 0 && done + run < data.length)) {
                return E_MEMORY; // RAM only: the guest cannot write flash either
            }
            done += run;
        }
        for (int done = 0; done < data.length; ) {
            long va = address + done;
            int run = (int) Math.min(data.length - done, 0x1000 - (va & 0xFFF));
            ram.write(physicalAddress(va), data, done, run); // the RAM's write observer drops decoded code there
            done += run;
        }
        return "OK";
    }

    // ------------------------------------------------------------------ break and watch points

    /** {@code Z/z TYPE,ADDR,KIND}. */
    private String point(String args, boolean insert) throws MalformedPacketException {
        String[] f = args.split(",", -1);
        if (f.length < 3) {
            throw new MalformedPacketException("Z/z needs type,address,kind: " + args);
        }
        long address = Hex.number(f[1], "point address");
        int semicolon = f[2].indexOf(';'); // conditions and commands after the kind: not offered
        long kind = Hex.number(semicolon < 0 ? f[2] : f[2].substring(0, semicolon), "point kind");
        switch (f[0]) {
            case "0":
                return breakpoint(breakpoints, MAX_BREAKPOINTS, address, insert);
            case "1":
                return breakpoint(hardwareBreakpoints, MAX_HARDWARE_BREAKPOINTS, address, insert);
            case "2":
            case "3":
            case "4":
                int type = f[0].charAt(0) - '0';
                if (insert) {
                    return watchpoints.add(cpu, type, address, kind) ? "OK" : E_POINT;
                }
                return watchpoints.remove(cpu, type, address, kind) ? "OK" : E_POINT;
            default:
                return ""; // unknown kinds: unsupported
        }
    }

    private static String breakpoint(Set<Long> set, int max, long address, boolean insert) {
        if (insert) {
            if (set.size() >= max && !set.contains(address)) {
                return E_POINT; // GDB: "Cannot insert breakpoint N" / "Could not insert hardware breakpoint"
            }
            set.add(address);
        } else {
            set.remove(address);
        }
        return "OK";
    }

    private boolean atBreakpoint(long pc) {
        return !breakpoints.isEmpty() && breakpoints.contains(pc) || !hardwareBreakpoints.isEmpty() && hardwareBreakpoints.contains(pc);
    }

    /** The single breakpoint when there is exactly one address in both sets, else -1 (none) or -2 (several). */
    private long onlyBreakpoint() {
        int n = breakpoints.size() + hardwareBreakpoints.size();
        if (n == 0) {
            return -1;
        }
        if (n == 1) {
            return (breakpoints.isEmpty() ? hardwareBreakpoints : breakpoints).iterator().next();
        }
        if (n == 2 && breakpoints.size() == 1 && breakpoints.equals(hardwareBreakpoints)) {
            return breakpoints.iterator().next();
        }
        return -2;
    }

    // ------------------------------------------------------------------ monitor

    /** {@code qRcmd,HEX}: runs a monitor command; its text goes back in {@code O} packets, then OK. */
    private String monitorCommand(String hex) throws MalformedPacketException, IOException {
        byte[] line = Hex.bytes(hex, "monitor command");
        String out = monitor.execute(new String(line, StandardCharsets.ISO_8859_1));
        byte[] text = out.getBytes(StandardCharsets.UTF_8);
        int chunk = (PacketChannel.MAX_PACKET - 16) / 2;
        for (int i = 0; i < text.length; i += chunk) {
            StringBuilder sb = new StringBuilder(1 + 2 * chunk).append('O');
            for (int k = i; k < Math.min(text.length, i + chunk); k++) {
                Hex.appendByte(sb, text[k]);
            }
            String packet = sb.toString();
            log.accept("-> " + printable(packet));
            channel.send(packet);
        }
        return "OK";
    }

    // ------------------------------------------------------------------ running

    /** {@code c [addr]} or {@code s [addr]}; null if the debugger disconnected meanwhile. */
    private String resume(String args, boolean step) throws MalformedPacketException, IOException {
        if (exited) {
            return lastStop;
        }
        if (!args.isEmpty()) {
            cpu.setPc(Hex.number(args, "resume address"));
        }
        channel.pollInterrupt(); // an interrupt sent while stopped means nothing now
        String stop;
        try {
            stop = step ? step() : run();
        } catch (IOException e) { // the connection failed while the guest ran
            lastStop = "S" + Hex.byteString(SIGINT);
            throw e;
        }
        // a debugger gone while the guest ran: the stub stopped it, the next one hears SIGINT from '?'
        lastStop = stop != null ? stop : "S" + Hex.byteString(SIGINT);
        return stop;
    }

    private String step() {
        StopKind k;
        if (watchpoints.isEmpty()) {
            k = cpu.run(1);
        } else {
            watchpoints.arm(cpu);
            k = cpu.run(1);
            Watchpoints.Hit hit = watchpoints.check(cpu);
            if (hit != null) {
                return hit.reply();
            }
        }
        return k == StopKind.BUDGET ? "S05" : stopReply(k);
    }

    private String run() throws IOException {
        long nextProbe = System.nanoTime() + PROBE_INTERVAL_NANOS;
        long sincePoll = 0;
        boolean first = true; // the instruction at a breakpoint we resume from runs
        try {
            for (;;) {
                if (!first && atBreakpoint(cpu.pc())) {
                    return "T05" + (hardwareBreakpoints.contains(cpu.pc()) ? "hwbreak" : "swbreak") + ":;";
                }
                first = false;
                StopKind k;
                long ran;
                long only;
                if (!watchpoints.isEmpty()) {
                    watchpoints.arm(cpu);
                    k = cpu.run(1);
                    ran = watchpoints.costPerInstruction(); // the poll stays as frequent in work as in plain runs
                    Watchpoints.Hit hit = watchpoints.check(cpu);
                    if (hit != null) {
                        return hit.reply();
                    }
                } else if ((only = onlyBreakpoint()) != -2) {
                    cpu.setBreakpoint(only);
                    long before = cpu.instructions();
                    k = cpu.run(CHUNK);
                    ran = cpu.instructions() - before;
                    if (k == StopKind.DEBUG_BREAK) {
                        return "T05" + (hardwareBreakpoints.contains(cpu.pc()) ? "hwbreak" : "swbreak") + ":;";
                    }
                } else {
                    k = cpu.run(1);
                    ran = 1;
                }
                if (k != StopKind.BUDGET) {
                    return stopReply(k);
                }
                sincePoll += ran;
                if (sincePoll >= CHUNK) {
                    sincePoll = 0;
                    if (channel.pollInterrupt()) {
                        return "S" + Hex.byteString(SIGINT);
                    }
                    long now = System.nanoTime();
                    if (now - nextProbe >= 0) {
                        nextProbe = now + PROBE_INTERVAL_NANOS;
                        if (channel.peerClosed()) {
                            return null;
                        }
                    }
                }
            }
        } finally {
            cpu.setBreakpoint(-1);
        }
    }

    /**
     * {@code vCont?} or {@code vCont;ACTION[:THREAD]...}: the first action that applies to the one
     * thread (no thread id, or 1, -1, 0, {@code p1.1}, {@code p1.-1}, {@code p-1.-1}) is done:
     * {@code c} or {@code C sig} continue, {@code s} or {@code S sig} step (a signal is not
     * delivered: there is no process to deliver it to). A list where no action applies gets
     * {@code E03}.
     */
    private String vCont(String rest) throws MalformedPacketException, IOException {
        if (rest.equals("?")) {
            return "vCont;c;C;s;S";
        }
        if (!rest.startsWith(";")) {
            return ""; // vCont... something else: unknown
        }
        for (String action : rest.substring(1).split(";", -1)) {
            int colon = action.indexOf(':');
            String verb = colon < 0 ? action : action.substring(0, colon);
            if (colon >= 0 && !ourThread(action.substring(colon + 1))) {
                continue;
            }
            if (verb.isEmpty()) {
                throw new MalformedPacketException("vCont with an empty action: " + rest);
            }
            switch (verb.charAt(0)) {
                case 'c':
                case 'C':
                    return resume("", false);
                case 's':
                case 'S':
                    return resume("", true);
                default:
                    throw new MalformedPacketException("vCont action '" + verb + "' is not supported");
            }
        }
        throw new MalformedPacketException("no vCont action applies to thread 1: " + rest);
    }

    /** Whether a thread id names the one thread (or all threads). */
    private static boolean ourThread(String id) {
        switch (id) {
            case "1":
            case "-1":
            case "0":
            case "p1.1":
            case "p1.-1":
            case "p-1.-1":
            case "p1.0":
                return true;
            default:
                return false;
        }
    }

    /** The reply for a stop other than the budget running out. */
    private String stopReply(StopKind k) {
        switch (k) {
            case EXIT:
                exited = true;
                return "W" + Hex.byteString((int) cpu.stopValue());
            case POWER_OFF:
                exited = true;
                return "W00";
            case UNDEFINED:
                return "S" + Hex.byteString(SIGILL);
            case ABORT:
                return "S" + Hex.byteString(SIGSEGV);
            case ALIGNMENT:
                return "S" + Hex.byteString(SIGBUS);
            case EXCEPTION_CALL:
                return "S" + Hex.byteString(SIGSYS);
            default: // BREAKPOINT (BRK), DEBUG_BREAK, WAIT
                return "S" + Hex.byteString(SIGTRAP);
        }
    }

    // ------------------------------------------------------------------ parsing

    /** Parses {@code A,B} as two hex numbers. */
    private static long[] pair(String s, String what) throws MalformedPacketException {
        int comma = s.indexOf(',');
        if (comma < 0) {
            throw new MalformedPacketException(what + " without ','");
        }
        return new long[] {Hex.number(s.substring(0, comma), what), Hex.number(s.substring(comma + 1), what)};
    }

    /** An unsigned length, capped (the protocol lets a reply carry fewer bytes than asked). */
    private static long atMost(long unsignedLength, long cap) {
        return Long.compareUnsigned(unsignedLength, cap) > 0 ? cap : unsignedLength;
    }

    private static byte[] raw(String packet) {
        return packet.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return s.length() > 200 ? sb + "..." : sb.toString();
    }
}
