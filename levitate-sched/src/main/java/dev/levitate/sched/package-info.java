/**
 * Tasks and scheduling (first pieces): the task state table, task handles and ids, the
 * {@link dev.levitate.sched.SchedulingPolicy} SPI and round-robin. The other policies (FIFO,
 * strict priority, MLFQ, stride, fair) are in {@code dev.levitate.sched.policy}. The kernel that
 * drives them over a {@link dev.levitate.core.spi.CpuBackend} is not written yet.
 */
package dev.levitate.sched;
