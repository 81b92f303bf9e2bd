/**
 * Scheduling policies beyond round-robin, each an implementation of
 * {@link dev.levitate.sched.SchedulingPolicy}: {@link dev.levitate.sched.policy.FifoPolicy} (run to
 * completion), {@link dev.levitate.sched.policy.PriorityPolicy} (strict priority with
 * preemption), {@link dev.levitate.sched.policy.MlfqPolicy} (multi-level feedback queue, OSTEP's
 * five rules), {@link dev.levitate.sched.policy.StridePolicy} (Waldspurger's stride scheduling)
 * and {@link dev.levitate.sched.policy.FairPolicy} (CFS-style virtual runtime). Weighted policies
 * take their weights from {@link dev.levitate.sched.policy.NiceWeights}, Linux's table.
 *
 * <p>All are deterministic (no hash order and no randomness reaches a decision; ties are broken
 * by arrival order or task id), O(1) or O(log n) per operation, and not thread-safe: the kernel
 * calls them from one thread with interrupts masked. docs/scheduling.md explains them for students.
 */
package dev.levitate.sched.policy;
