/**
 * A GDB remote-serial-protocol stub for the simulated machine, like QEMU's {@code -s -S}: it
 * listens on a TCP port, accepts one debugger, and serves registers, memory, breakpoints, write
 * watchpoints, stepping and continuing.
 *
 * <p>{@link dev.levitate.sim.gdb.GdbStub} is the entry point. The packet layer (framing,
 * checksums, acknowledgements, interrupts), the hex codec, the AArch64 register layout and the
 * watchpoint logic live in package-private classes beside it, one idea per file.
 */
package dev.levitate.sim.gdb;
