/**
 * The flattened devicetree (FDT, "DTB"): a writer of the binary format that firmware hands a kernel
 * to describe the machine (Devicetree Specification v0.4, chapter 5).
 */
package dev.levitate.sim.fdt;
