/**
 * The backend SPI: {@link dev.levitate.core.spi.CpuBackend} owns CPU state and runs contexts,
 * {@link dev.levitate.core.spi.CpuBackendProvider}s are discovered with
 * {@link java.util.ServiceLoader} and opened by name through
 * {@link dev.levitate.core.spi.CpuBackends}.
 */
package dev.levitate.core.spi;
