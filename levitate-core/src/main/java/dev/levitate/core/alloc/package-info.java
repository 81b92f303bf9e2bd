/**
 * Physical frame allocation: the {@link dev.levitate.core.alloc.PageAllocator} contract, the
 * {@link dev.levitate.core.alloc.BuddyAllocator}, the {@link dev.levitate.core.alloc.FrameCache}
 * of single frames that can stand in front of it, and the exceptions a rejected free throws.
 */
package dev.levitate.core.alloc;
