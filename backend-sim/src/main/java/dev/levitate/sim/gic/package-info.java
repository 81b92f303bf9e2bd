/** The GICv2 interrupt controller of QEMU virt: distributor and CPU interface. */
package dev.levitate.sim.gic;
