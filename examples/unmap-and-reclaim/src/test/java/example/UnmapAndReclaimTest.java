package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnmapAndReclaimTest {
    @Test
    void oneLeafInvalidateThenOneAllLevelInvalidateBeforeTheFrees() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RecordingTlbMaintenance tlb = UnmapAndReclaim.lesson(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, tlb.count(TlbiOp.VALE1));
        assertEquals(1, tlb.count(TlbiOp.VAE1));
        assertTrue(out.indexOf("TLBI VAE1IS") < out.indexOf("-> L3 table"), "freed only after the invalidate:\n" + out);
        assertTrue(out.contains("nothing leaked"), out);
    }
}
