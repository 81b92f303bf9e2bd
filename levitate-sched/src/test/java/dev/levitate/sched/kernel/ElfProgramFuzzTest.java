package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Mutated user programs through {@link ElfProgram#parse(byte[])} (every input) and {@link
 * Kernel#spawnUserElf(String, byte[], long)} (every {@value #KERNEL_EVERY}th): e_phoff, e_shoff,
 * p_offset, p_filesz, p_memsz, p_vaddr, sh_size, sh_offset, sh_link, e_shstrndx and the rest at
 * extreme values, random bytes, truncation ({@link ElfMutator}); after each, the invariants of
 * {@link ElfProgramInvariants}. Inputs: {@value #BASE_INPUTS} x {@code levitate.fuzz.scale}, seeds
 * {@value #FIRST_SEED} onwards. A failure prints the seed and the file in hex; keep it under
 * {@code src/test/resources/fuzz-regressions/elf/} ({@link ElfProgramRegressionsTest} replays it).
 */
@Tag("fuzz")
class ElfProgramFuzzTest {
    static final int BASE_INPUTS = 6000;
    static final int KERNEL_EVERY = 20;
    static final long FIRST_SEED = 0x16_0400L;

    @Test
    void theSeedIsAValidProgram() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            var t = k.spawnUserElf("seed", UserElf.build(), 0);
            k.run(ElfProgramInvariants.RUN_TICKS);
            assertEquals(UserElf.EXIT_CODE, t.exitCode());
        }
    }

    @Test
    void mutatedProgramsFailOnlyWithIllegalArgumentExceptionAndChangeNothing() {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        ElfMutator mutator = new ElfMutator(UserElf.build());
        int accepted = 0;
        int spawned = 0;
        for (int i = 0; i < inputs; i++) {
            long seed = FIRST_SEED + i;
            ElfMutator.Mutant m = mutator.mutate(seed);
            try {
                ElfProgram p = ElfProgramInvariants.parse(m.file());
                accepted += p != null ? 1 : 0;
                if (p != null && i % KERNEL_EVERY == 0) {
                    ElfProgramInvariants.spawnAndRun(m.file());
                    spawned++;
                }
            } catch (AssertionError e) {
                fail("seed " + seed + " (" + m.how() + "): " + e.getMessage() + "\ninput: " + m.hex(), e);
            }
        }
        System.out.println("ElfProgramFuzzTest: " + inputs + " inputs, " + accepted + " parsed, " + spawned + " through a kernel, 0 failures");
    }
}
