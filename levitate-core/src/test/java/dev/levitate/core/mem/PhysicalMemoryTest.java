package dev.levitate.core.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    static final long RAM = 0x4000_0000L;

    @Test
    void untouchedMemoryReadsZeroAndStaysSparse() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 4L << 30);
        assertEquals(0, m.read64(RAM + 0x1234_5678L));
        assertEquals(0, m.read8(RAM + (4L << 30) - 1));
        assertEquals(0, m.materializedPages());
        m.write64(RAM + (3L << 30), 42);
        assertEquals(1, m.materializedPages());
        assertEquals(42, m.read64(RAM + (3L << 30)));
    }

    @Test
    void theWhole48BitSpaceCanBeOneRegion() {
        PhysicalMemory m = PhysicalMemory.of(0, PhysicalMemory.MAX_ADDRESS);
        m.write32(PhysicalMemory.MAX_ADDRESS - 4, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, m.read32(PhysicalMemory.MAX_ADDRESS - 4));
        assertThrows(PhysicalAddressException.class, () -> m.read64(PhysicalMemory.MAX_ADDRESS - 4));
    }

    @Test
    void valuesAreLittleEndian() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x1000);
        m.write64(RAM, 0x0807_0605_0403_0201L);
        for (int i = 0; i < 8; i++) {
            assertEquals(i + 1, m.read8(RAM + i));
        }
        assertEquals(0x0201, m.read16(RAM));
        assertEquals(0x0403_0201, m.read32(RAM));
        assertEquals(0x0605_0403, m.read32(RAM + 2));
        m.write16(RAM + 8, 0xBEEF);
        assertEquals(0xEF, m.read8(RAM + 8));
        assertEquals(0xBE, m.read8(RAM + 9));
        m.write32(RAM + 16, 0xFFFF_FFF0);
        assertEquals(0xFFFF_FFF0L, Integer.toUnsignedLong(m.read32(RAM + 16)));
        assertEquals(0, m.read32(RAM + 20), "a 32-bit write touches only 4 bytes");
    }

    @Test
    void accessesCrossingAPageBoundaryAreSplitCorrectly() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x3000);
        long at = RAM + 0x1000 - 3;
        m.write64(at, 0x1122_3344_5566_7788L);
        assertEquals(0x1122_3344_5566_7788L, m.read64(at));
        assertEquals(0x88, m.read8(at));
        assertEquals(0x11, m.read8(at + 7));
        m.write32(RAM + 0x2000 - 1, 0xA1B2C3D4);
        assertEquals(0xA1B2C3D4, m.read32(RAM + 0x2000 - 1));
        m.write16(RAM + 0x1000 - 1, 0x1234);
        assertEquals(0x1234, m.read16(RAM + 0x1000 - 1));
    }

    @Test
    void outOfBoundsAccessNamesTheAddressAndChangesNothing() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x2000);
        PhysicalAddressException e = assertThrows(PhysicalAddressException.class, () -> m.write64(RAM + 0x2000 - 4, -1));
        assertEquals(RAM + 0x2000 - 4, e.address());
        assertEquals(8, e.length());
        assertTrue(e.getMessage().contains("0x0000_0000_4000_1ffc"), e.getMessage());
        assertEquals(0, m.read32(RAM + 0x2000 - 4), "a rejected write must not write its in-bounds part");
        assertEquals(0, m.materializedPages());
        assertThrows(PhysicalAddressException.class, () -> m.read8(RAM - 1));
        assertThrows(PhysicalAddressException.class, () -> m.read8(-1));
        assertThrows(PhysicalAddressException.class, () -> m.write(RAM + 0x1FFF, new byte[2], 0, 2));
        assertFalse(m.contains(RAM, 0x2001));
        assertTrue(m.contains(RAM, 0x2000));
        assertFalse(m.contains(RAM, -1));
    }

    @Test
    void holesBetweenRegionsAreOutOfBounds() {
        PhysicalMemory m = PhysicalMemory.of(List.of(new MemoryRegion(RAM + 0x10000, 0x1000), new MemoryRegion(RAM, 0x1000)));
        assertEquals(RAM, m.regions().get(0).base(), "regions are sorted");
        m.write8(RAM + 0xFFF, 1);
        m.write8(RAM + 0x10000, 2);
        assertThrows(PhysicalAddressException.class, () -> m.read8(RAM + 0x1000));
        assertThrows(PhysicalAddressException.class, () -> m.read16(RAM + 0xFFF), "an access may not span two regions");
        assertEquals(2, m.read8(RAM + 0x10000));
    }

    @Test
    void overlappingOrMisalignedRegionsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> PhysicalMemory.of(List.of(new MemoryRegion(RAM, 0x2000), new MemoryRegion(RAM + 0x1000, 0x1000))));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(RAM + 1, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(RAM, 0));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(PhysicalMemory.MAX_ADDRESS - 0x1000, 0x2000));
    }

    @Test
    void bulkReadAndWriteRoundTripAcrossPages() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x4000);
        byte[] data = new byte[10000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        m.write(RAM + 100, data, 0, data.length);
        byte[] back = new byte[data.length + 2];
        m.read(RAM + 100, back, 1, data.length);
        byte[] expected = new byte[data.length + 2];
        System.arraycopy(data, 0, expected, 1, data.length);
        assertArrayEquals(expected, back);
    }

    @Test
    void zeroPageDropsThePageAndZeroClearsPartialPages() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x3000);
        m.write64(RAM + 8, 5);
        m.write64(RAM + 0x1008, 6);
        m.write64(RAM + 0x2008, 7);
        assertEquals(3, m.materializedPages());
        byte[] before = m.backingPage(RAM, false);
        m.zeroPage(RAM);
        assertEquals(0, m.read64(RAM + 8));
        assertEquals(3, m.materializedPages(), "zeroPage clears in place");
        assertSame(before, m.backingPage(RAM, false), "without reallocating");
        m.release(RAM, 0x1000);
        assertEquals(2, m.materializedPages(), "release makes it sparse again");
        assertEquals(0, m.read64(RAM + 8));
        m.zero(RAM + 0x1000, 0x1010);
        assertEquals(0, m.read64(RAM + 0x1008));
        assertEquals(0, m.read64(RAM + 0x2008));
        assertEquals(1, m.materializedPages(), "the partial page stays, cleared");
        assertThrows(IllegalArgumentException.class, () -> m.zeroPage(RAM + 8));
    }

    @Test
    void watchedPagesReportWritesOnce() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x4000);
        List<String> seen = new ArrayList<>();
        m.setWriteObserver((pa, len) -> seen.add(Long.toHexString(pa) + "+" + len));
        m.watchPage(RAM + 0x1234);
        m.write32(RAM + 0x1100, 1);
        m.write32(RAM + 0x2100, 1);
        m.write64(RAM + 0x1FFC, 1);
        assertEquals(List.of("40001100+4", "40001ffc+1", "40001ffd+1", "40001ffe+1", "40001fff+1"), seen,
                "exact bytes of the watched page, none of the unwatched one");
        seen.clear();
        m.unwatchPage(RAM + 0x1000);
        m.write8(RAM + 0x1000, 9);
        assertTrue(seen.isEmpty());
    }

    @Test
    void backingPageIsTheLiveStore() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x2000);
        assertNull(m.backingPage(RAM, false));
        byte[] page = m.backingPage(RAM + 5, true);
        page[5] = 0x7F;
        assertEquals(0x7F, m.read8(RAM + 5));
        assertEquals(1, m.materializedPages());
    }

    @Test
    void zeroPageClearsEveryWrittenLineWhateverTheWritePath() {
        PhysicalMemory m = PhysicalMemory.of(RAM, 0x3000);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int round = 0; round < 50; round++) {
            for (int w = 0; w < 1 + rnd.nextInt(40); w++) {
                long pa = RAM + rnd.nextInt(0x3000 - 16);
                switch (rnd.nextInt(6)) {
                    case 0 -> m.write8(pa, 0xFF);
                    case 1 -> m.write16(pa, -1);
                    case 2 -> m.write32(pa, -1);
                    case 3 -> m.write64(pa, -1L);
                    case 4 -> m.write(pa, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, 0, 13);
                    default -> m.write64(RAM + 0xFFC + rnd.nextInt(2) * 0x1000, -1L); // crosses a page
                }
                assertNotEquals(0, m.read8(pa) | m.read8(RAM + 0xFFC) | 1);
            }
            if (rnd.nextInt(4) == 0) {
                m.backingPage(RAM + 0x1000, true)[rnd.nextInt(4096)] = 9;
            }
            m.zeroPage(RAM);
            m.zeroPage(RAM + 0x1000);
            m.zeroPage(RAM + 0x2000);
            byte[] all = new byte[0x3000];
            m.read(RAM, all, 0, all.length);
            assertArrayEquals(new byte[0x3000], all, "round " + round);
        }
    }
}
