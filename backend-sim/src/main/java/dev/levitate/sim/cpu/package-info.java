/**
 * The simulated A64 core: registers, flags and the execute loop over decoded table rows, with a
 * per-page decode cache; guest errors end in a {@link dev.levitate.sim.cpu.StopKind}, never a Java
 * exception.
 */
package dev.levitate.sim.cpu;
