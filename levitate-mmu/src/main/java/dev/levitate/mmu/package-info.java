/**
 * The operating system's view of VMSAv8-64 translation tables (4 KiB granule): descriptors and
 * attributes, {@link dev.levitate.mmu.PageTable} with map, block ranges, unmap with precise TLB
 * maintenance and reclamation of empty tables, ASID allocation, and pictures of the tables.
 */
package dev.levitate.mmu;
