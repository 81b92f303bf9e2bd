/**
 * The simulator as a {@link dev.levitate.core.spi.CpuBackend}: guest-code context switching,
 * vectors and trampolines, timer preemption through the GIC.
 */
package dev.levitate.sim.backend;
