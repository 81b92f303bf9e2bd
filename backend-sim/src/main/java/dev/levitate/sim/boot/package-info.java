/**
 * QEMU virt's boot contract for {@code -kernel}: what a kernel finds in memory and in its registers
 * when it starts (the device tree of the machine, the Linux arm64 {@code Image} format, an initrd,
 * the command line), as {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -kernel} sets it up.
 */
package dev.levitate.sim.boot;
