/** The ELF64 AArch64 loader: validated parsing of PT_LOAD segments, entry point and symbols. */
package dev.levitate.sim.elf;
