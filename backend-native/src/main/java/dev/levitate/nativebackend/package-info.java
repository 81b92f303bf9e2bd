/**
 * The native backend: {@code cpu_switch_to} in AArch64 and x86-64 assembly, a small C shim that
 * creates contexts on guarded stacks and runs built-in task bodies, and its JNA binding behind
 * the {@link dev.levitate.core.spi.CpuBackend} SPI.
 */
package dev.levitate.nativebackend;
