package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.check.KernelBinding.Arg;
import dev.levitate.check.KernelBinding.Op;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Half;
import dev.levitate.a64.SystemOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binding's text form and builder, and the TLBI operand decoding the forwarder does. */
class KernelBindingTest {
    static final String TEXT = String.join("\n",
            "# comment line",
            "map = mmu_map root va pa attrs   # trailing comment",
            "unmap = mmu_unmap root va",
            "map_range = mmu_map_range va pa pages attrs blocks",
            "init = mmu_init",
            "root = symbol kernel_root",
            "alloc = alloc_frame",
            "free = free_frame",
            "half = upper",
            "va_bits = 39",
            "asid = 7",
            "reclaim = none",
            "result = int",
            "error.not_mapped = -5",
            "error.no_memory = 0x10",
            "frames = 0x4400_0000 0x100_0000",
            "budget = 5000",
            "");

    @Test
    void theTextFormReadsEveryKey() {
        KernelBinding b = KernelBinding.parse(TEXT);
        assertEquals(new KernelBinding.Function("mmu_map", List.of(Arg.ROOT, Arg.VA, Arg.PA, Arg.ATTRS)), b.function(Op.MAP));
        assertEquals(List.of(Arg.VA, Arg.PA, Arg.PAGES, Arg.ATTRS, Arg.BLOCKS), b.function(Op.MAP_RANGE).args());
        assertNull(b.function(Op.PROTECT));
        assertEquals(KernelBinding.RootSource.SYMBOL, b.rootSource());
        assertEquals("kernel_root", b.rootSymbol());
        assertEquals("mmu_init", b.init());
        assertEquals(Half.UPPER, b.half());
        assertEquals(39, b.vaBits());
        assertEquals(7, b.asid());
        assertEquals(false, b.eagerReclaim());
        assertEquals(KernelBinding.Error.NOT_MAPPED, b.error(-5));
        assertEquals(KernelBinding.Error.NO_MEMORY, b.error(16));
        assertEquals(-5, b.code(0xFFFF_FFFBL), "result = int sign-extends w0");
        assertEquals(0x4400_0000L, b.framesBase());
        assertEquals(0x100_0000L, b.framesSize());
        assertEquals(5000, b.budget());
    }

    @Test
    void theBuilderGivesTheSameBinding() {
        KernelBinding b = KernelBinding.builder().bind(Op.MAP, "m", Arg.VA, Arg.PA, Arg.ATTRS).bind(Op.UNMAP, "u", Arg.VA)
                .frames("a", "f").error(-1, KernelBinding.Error.MISALIGNED).build();
        KernelBinding t = KernelBinding.parse("map = m va pa attrs\nunmap = u va\nalloc = a\nfree = f\nerror.misaligned = -1\n");
        assertEquals(b.function(Op.MAP), t.function(Op.MAP));
        assertEquals(b.function(Op.UNMAP), t.function(Op.UNMAP));
        assertEquals(b.error(-1), t.error(-1));
        assertEquals(0xFFFF_FFFBL, b.code(0xFFFF_FFFBL), "64-bit results by default");
        assertEquals(0x4000_0000L + (64L << 20), b.framesBase(), "frames from the upper half of the default 128 MiB");
    }

    @Test
    void mistakesNameTheirLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelBinding.parse("map = m va\nunmap u va\n"));
        assertTrue(e.getMessage().startsWith("binding line 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelBinding.parse("map = m va\nunmap = u virtual\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("VIRTUAL"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelBinding.parse("colour = blue\n"));
        assertTrue(e.getMessage().contains("unknown key 'colour'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelBinding.parse("map = m va\nunmap = u va\nalloc = a\n"));
        assertTrue(e.getMessage().contains("alloc without free"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> KernelBinding.parse("map = m va\nalloc = a\nfree = f\n"), "no unmap");
        assertThrows(IllegalArgumentException.class, () -> KernelBinding.builder().error(0, KernelBinding.Error.MAPPED));
        assertThrows(IllegalArgumentException.class, () -> KernelBinding.parse("va_bits = 42\n"));
    }

    @Test
    void tlbiOperandsAreDecodedAsTheArmArmLaysThemOut() {
        assertEquals(0x0000_0012_3456_7000L, GuestTlbForwarder.va(0x0123_4567L | 9L << 48));
        assertEquals(9, GuestTlbForwarder.asid(0x0123_4567L | 9L << 48));
        assertEquals(0xFFFF_FF80_0000_1000L, GuestTlbForwarder.va(0xFFFF_FF80_0000_1000L >>> 12 & ((1L << 44) - 1)),
                "VA[55] set: an upper-half VA comes back sign-extended");
        RecordingTlbMaintenance r = new RecordingTlbMaintenance(TlbMaintenance.none());
        GuestTlbForwarder f = new GuestTlbForwarder(r);
        f.tlbi(SystemOperation.TLBI_VALE1IS, 0x400L | 3L << 48);
        f.tlbi(SystemOperation.TLBI_ASIDE1, 5L << 48);
        f.dsb(0b1011);
        assertEquals(3, r.mark());
        assertTrue(r.since(0).toString().contains("VALE1") && r.since(0).toString().contains("ASIDE1"), r.since(0).toString());
    }
}
