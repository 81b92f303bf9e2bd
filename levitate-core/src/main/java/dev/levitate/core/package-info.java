/**
 * What every Levitate module shares: the exception root and address formatting. Sub-packages hold
 * physical memory ({@code mem}), page-frame allocation ({@code alloc}), the TLB maintenance port
 * ({@code tlb}) and the CPU backend SPI ({@code spi}).
 */
package dev.levitate.core;
