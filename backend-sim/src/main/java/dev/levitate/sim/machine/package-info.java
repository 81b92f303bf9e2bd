/**
 * The QEMU-virt-shaped machine around the core: RAM, the PL011 UART, Arm semihosting and PSCI.
 */
package dev.levitate.sim.machine;
