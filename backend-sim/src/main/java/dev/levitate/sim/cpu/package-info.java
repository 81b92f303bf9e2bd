/**
 * The simulated A64 core: registers, flags and the execute loop over decoded table rows, with a
 * per-page decode cache; guest errors end in a {@link dev.levitate.sim.cpu.StopKind}, never a Java
 * exception.
 *
 * <h2>Three tiers, one result</h2>
 * <ol>
 *   <li>The general interpreter ({@code Cpu}): every instruction of the encoding table, exceptions,
 *       system registers, the MMU.</li>
 *   <li>The fast tier ({@code FastLoop}, {@code MicroOp}, {@code DecodeCache}): the common
 *       instructions pre-decoded into micro-ops and run in a tight loop; under the A53 model timed
 *       by {@code BlockTiming}'s per-block memos.</li>
 *   <li>The compiled tier ({@code BlockJit}, {@code BlockCompiler}, {@code JitOps},
 *       {@code CompiledBlock}, {@code TimedBlockEmitter}): hot blocks of the fast tier turned into
 *       JVM hidden classes, timed under the A53 model by a memo compiled in as constants.</li>
 * </ol>
 * The cycle model ({@code CycleModel}, {@code BranchPredictor}) is the machine's time. Whichever tier
 * runs an instruction, registers, memory, cycles, events and stops are the general interpreter's:
 * {@code FastLoopEquivalenceProperties} holds the faster tiers to it under both timings.
 */
package dev.levitate.sim.cpu;
