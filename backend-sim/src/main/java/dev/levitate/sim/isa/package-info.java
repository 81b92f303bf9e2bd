/**
 * The A64 instruction set as data: {@link dev.levitate.sim.isa.A64} is the one table of encodings
 * (name, bit pattern with named fields, operand syntax) from which the decoder works (and, next,
 * the assembler and disassembler); {@link dev.levitate.sim.isa.BitMasks} is DecodeBitMasks.
 */
package dev.levitate.sim.isa;
