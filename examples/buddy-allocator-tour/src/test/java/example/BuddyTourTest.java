package example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.alloc.BuddyAllocator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuddyTourTest {
    @Test
    void theTourEndsWithEverythingMergedBack() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        BuddyAllocator frames = BuddyTour.tour(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, frames.usedFrames());
        assertArrayEquals(new long[] {BuddyTour.BASE}, frames.freeBlocks(4));
        assertTrue(out.contains("refused: invalid free of 0x0000_0000_4000_2000 order 0"), out);
        frames.checkInvariants();
    }
}
