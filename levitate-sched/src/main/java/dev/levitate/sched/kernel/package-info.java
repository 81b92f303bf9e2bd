/**
 * The kernel: tasks over a CPU backend, address spaces, system calls, preemption and events.
 */
package dev.levitate.sched.kernel;
