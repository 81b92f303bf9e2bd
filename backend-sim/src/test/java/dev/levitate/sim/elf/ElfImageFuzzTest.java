package dev.levitate.sim.elf;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Mutated ELF files through {@link ElfImage#parse(byte[])} and {@link
 * dev.levitate.sim.machine.Machine#loadElf(ElfImage)}: header and table fields at extreme values,
 * random bytes, truncation ({@link ElfMutator}); after each, the invariants of {@link
 * ElfInvariants}. Inputs: {@value #BASE_INPUTS} x {@code levitate.fuzz.scale}, seeds {@value
 * #FIRST_SEED} onwards. A failure prints the seed and the file in hex; keep it under {@code
 * src/test/resources/fuzz-regressions/elf/} ({@link ElfFuzzRegressionsTest} replays it).
 */
@Tag("fuzz")
class ElfImageFuzzTest {
    static final int BASE_INPUTS = 4000;
    static final long FIRST_SEED = 0x16_0300L;

    @Test
    void mutatedFilesFailOnlyWithElfFormatExceptionAndStayWithinTheFile() {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        ElfMutator mutator = new ElfMutator(ElfLoaderTest.VALID);
        int accepted = 0;
        for (int i = 0; i < inputs; i++) {
            long seed = FIRST_SEED + i;
            ElfMutator.Mutant m = mutator.mutate(seed);
            String broken = ElfInvariants.check(m.file());
            if (broken != null) {
                fail("seed " + seed + " (" + m.how() + "): " + broken + "\ninput: " + m.hex());
            }
            accepted += ElfInvariants.accepted(m.file()) ? 1 : 0;
        }
        System.out.println("ElfImageFuzzTest: " + inputs + " inputs, " + accepted + " parsed, 0 failures");
    }
}
