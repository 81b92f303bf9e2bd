/**
 * The A64 instruction set as data: {@link dev.levitate.a64.A64} is the one table of encodings
 * (name, bit pattern with named fields, operand syntax); {@link dev.levitate.a64.Decoder},
 * {@link dev.levitate.a64.A64Assembler} and {@link dev.levitate.a64.Disassembler} are driven by
 * it; {@link dev.levitate.a64.BitMasks} is the Arm ARM's DecodeBitMasks. This module depends on
 * nothing, so a kernel's test, a teaching tool or the simulator can use it alone.
 */
package dev.levitate.a64;
