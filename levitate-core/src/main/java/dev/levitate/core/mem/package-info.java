/**
 * Physical memory: a sparse, bounds-checked, little-endian 48-bit physical address space made of
 * RAM regions.
 */
package dev.levitate.core.mem;
