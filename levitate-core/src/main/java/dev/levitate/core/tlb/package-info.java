/**
 * The TLB maintenance port page-table code invalidates through, one method per TLBI operation,
 * and a recording implementation for tests.
 */
package dev.levitate.core.tlb;
