package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * The compiled tier's life cycle: blocks are compiled once hot, dropped when their code is written
 * (by the host or by the guest's own stores) and compiled again from the new words, and give the
 * general interpreter's results throughout. {@code FastLoopEquivalenceProperties} compares the
 * instructions themselves.
 */
class BlockJitTest {
    static final long CODE = Machine.RAM_BASE + 0x1000;

    private static final int[] COUNT_TO_100 = {
        0xd2800000, // movz x0, #0
        0xd2800c81, // movz x1, #100
        0x91000400, // loop: add x0, x0, #1
        0xf1000421, // subs x1, x1, #1
        0x54ffffc1, // b.ne loop
        0x14000000, // b .
    };

    private static Machine machine(int[] words, int threshold) {
        Machine m = new Machine(1L << 20, CpuConfig.defaults(), b -> { }, b -> { }, b -> { });
        for (int i = 0; i < words.length; i++) {
            m.ram().write32(CODE + 4L * i, words[i]);
        }
        m.cpu().compileBlocksAfter(threshold);
        m.cpu().setPc(CODE);
        return m;
    }

    @Test
    void aHotLoopRunsCompiledWithTheInterpretersCounts() {
        Machine compiled = machine(COUNT_TO_100, 4);
        Machine general = machine(COUNT_TO_100, 0);
        assertEquals(StopKind.BUDGET, compiled.cpu().runLoop(1_000));
        assertEquals(StopKind.BUDGET, general.cpu().runLoop(1_000));
        assertEquals(100, compiled.cpu().reg(0));
        assertEquals(general.cpu().pc(), compiled.cpu().pc());
        assertEquals(general.cpu().instructions(), compiled.cpu().instructions());
        assertEquals(general.cpu().cycles(), compiled.cpu().cycles());
        assertTrue(compiled.cpu().compiledInstructions() > 250, "the loop ran compiled: " + compiled.cpu().compiledInstructions());
        assertEquals(0, general.cpu().compiledInstructions());
    }

    @Test
    void aHostWriteToCompiledCodeDropsItsBlocks() {
        Machine m = machine(COUNT_TO_100, 1);
        m.cpu().runLoop(1_000);
        assertEquals(100, m.cpu().reg(0));
        long blocks = m.cpu().compiledBlocks();
        long ran = m.cpu().compiledInstructions();
        m.ram().write32(CODE + 8, 0x91000800); // loop: add x0, x0, #2
        m.cpu().setPc(CODE);
        m.cpu().runLoop(1_000);
        assertEquals(200, m.cpu().reg(0), "the new add ran, not the compiled old one");
        assertTrue(m.cpu().compiledBlocks() > blocks, "compiled again");
        assertTrue(m.cpu().compiledInstructions() - ran > 250, "and ran compiled");
    }

    /**
     * The guest rewrites the add of its own hot loop, then runs the loop again: its store goes
     * through the general path (a decoded page is never in the fast tiers' write caches), which
     * drops the page's compiled blocks.
     */
    @Test
    void aGuestStoreToItsOwnCompiledLoopTakesEffect() {
        int[] selfModifying = {
            0xd2800000, //  0: movz x0, #0
            0xd2800c81, //  1: again: movz x1, #100
            0x91000400, //  2: loop: add x0, x0, #1
            0xf1000421, //  3: subs x1, x1, #1
            0x54ffffc1, //  4: b.ne loop
            0xb50000e7, //  5: cbnz x7, 12
            0xd2800027, //  6: movz x7, #1
            0x52810005, //  7: movz w5, #0x800
            0x72b22005, //  8: movk w5, #0x9100, lsl #16   (w5 = add x0, x0, #2)
            0x10ffff26, //  9: adr x6, loop
            0xb90000c5, // 10: str w5, [x6]
            0x17fffff6, // 11: b again
            0x14000000, // 12: b .
        };
        Machine compiled = machine(selfModifying, 1);
        Machine general = machine(selfModifying, 0);
        compiled.cpu().runLoop(2_000);
        general.cpu().runLoop(2_000);
        assertEquals(300, general.cpu().reg(0), "100 rounds of +1, then 100 of +2");
        assertEquals(300, compiled.cpu().reg(0));
        assertEquals(general.cpu().instructions(), compiled.cpu().instructions());
        assertEquals(general.cpu().cycles(), compiled.cpu().cycles());
        assertEquals(general.cpu().pc(), compiled.cpu().pc());
        assertTrue(compiled.cpu().compiledInstructions() > 500, "both loops ran compiled: " + compiled.cpu().compiledInstructions());
    }

    @Test
    void aBlockStopsAtTheFirstBranchAndHoldsNoGuestAddress() {
        long[] uops = new long[1025];
        long[] imms = new long[1025];
        DecodeCache.Page page = new DecodeCache.Page(CODE >>> 12);
        for (int i = 0; i < COUNT_TO_100.length; i++) {
            DecodeCache.decode(page, i, COUNT_TO_100[i]);
        }
        System.arraycopy(page.uops, 0, uops, 0, 1025);
        System.arraycopy(page.imms, 0, imms, 0, 1025);
        assertEquals(5, BlockCompiler.length(uops, 0), "movz, movz, add, subs, b.ne");
        assertEquals(3, BlockCompiler.length(uops, 2), "the loop");
        assertEquals(1, BlockCompiler.length(uops, 5), "b .");
        assertEquals(0, BlockCompiler.length(uops, 6), "not decoded");
        CompiledBlock loop = BlockCompiler.compile(uops, imms, 2);
        assertEquals(3, loop.length);
        assertEquals(CompiledBlock.NONE, BlockCompiler.compile(uops, imms, 6));
    }

    @Test
    void theThresholdIsChecked() {
        Machine m = machine(COUNT_TO_100, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockJit(m.cpu(), null, 128));
        assertTrue(e.getMessage().contains("128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CpuConfig.defaults().withCompiledTier(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void theConfigurationTurnsTheCompiledTierOnAndOff() {
        for (int after : new int[] {0, 2}) {
            Machine m = new Machine(1L << 20, CpuConfig.defaults().withCompiledTier(after), b -> { }, b -> { }, b -> { });
            for (int i = 0; i < COUNT_TO_100.length; i++) {
                m.ram().write32(CODE + 4L * i, COUNT_TO_100[i]);
            }
            m.cpu().setPc(CODE);
            m.cpu().runLoop(1_000);
            assertEquals(100, m.cpu().reg(0));
            assertEquals(after == 0, m.cpu().compiledBlocks() == 0, "compiled blocks with compileAfter " + after);
            assertEquals(after == 0, m.cpu().compiledInstructions() == 0, "compiled instructions with compileAfter " + after);
        }
    }
}
