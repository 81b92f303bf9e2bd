/**
 * Property-testing a kernel's own page-table code on the simulated machine: {@link
 * dev.levitate.check.GuestKernel} loads the kernel's ELF and calls its functions by symbol with the
 * AAPCS64 calling convention; {@link dev.levitate.check.KernelBinding} says which functions map,
 * unmap and protect and how their arguments are laid out; {@link dev.levitate.check.GuestPageTable}
 * makes them a {@link dev.levitate.testkit.TestablePageTable}, so levitate-testkit's reference model,
 * invariants and TLB model judge the descriptors the guest writes, the TLBIs and DSBs it executes
 * and the frames it frees; {@link dev.levitate.check.KernelCheck} runs generated operation
 * sequences against it.
 */
package dev.levitate.check;
