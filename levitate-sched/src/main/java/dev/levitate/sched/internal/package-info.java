/**
 * Allocation-free building blocks of the scheduling policies, over small integer slots: an
 * {@code int → int} hash map ({@link dev.levitate.sched.internal.IntIntMap}), a slot table that
 * maps task ids to slots ({@link dev.levitate.sched.internal.SlotTable}), intrusive doubly linked
 * lists over slots ({@link dev.levitate.sched.internal.SlotLists}) and an indexed binary min-heap
 * over slots ({@link dev.levitate.sched.internal.SlotHeap}).
 *
 * <p>This package depends on nothing else in Levitate (it knows no {@code Task}), so both
 * {@code dev.levitate.sched} and {@code dev.levitate.sched.policy} can use it without a package
 * cycle. Not an API: it may change without notice. Nothing here is thread-safe.
 */
package dev.levitate.sched.internal;
