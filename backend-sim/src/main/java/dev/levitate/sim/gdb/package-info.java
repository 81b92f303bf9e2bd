/**
 * A GDB remote-serial-protocol stub for the simulated machine, like QEMU's {@code -s -S}: it
 * listens on a TCP port, accepts one debugger, and serves registers (the core's and EL1's system
 * registers), memory through the current translation, breakpoints, watchpoints, stepping,
 * continuing, and monitor commands for what the simulator knows (TLB, tables, cycles).
 *
 * <p>{@link dev.levitate.sim.gdb.GdbStub} is the entry point. The packet layer (framing,
 * checksums, acknowledgements, interrupts), the hex codec, the AArch64 register layout, the
 * watchpoint logic and the monitor commands live in package-private classes beside it, one idea per file.
 */
package dev.levitate.sim.gdb;
