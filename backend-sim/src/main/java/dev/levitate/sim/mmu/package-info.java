/** Stage-1 translation of the EL1&amp;0 regime: the table walker, the ASID-tagged TLB and walk cache, and TLBI with its exact scope. */
package dev.levitate.sim.mmu;
