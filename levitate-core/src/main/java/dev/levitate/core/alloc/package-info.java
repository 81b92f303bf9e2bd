/**
 * Physical frame allocation: the {@link dev.levitate.core.alloc.PageAllocator} contract, the
 * {@link dev.levitate.core.alloc.BuddyAllocator}, and the exceptions a rejected free throws.
 */
package dev.levitate.core.alloc;
