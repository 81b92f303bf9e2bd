/** The Arm generic timer: the system counter and the EL1 physical and virtual timers, driven by cycles. */
package dev.levitate.sim.timer;
