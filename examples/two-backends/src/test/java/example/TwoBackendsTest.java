package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TwoBackendsTest {
    @Test
    void bothBackendsGiveTheSameSchedule() {
        List<String> expected = List.of("A yielded", "B yielded", "C yielded", "A yielded", "B exited with 20",
                "C yielded", "A yielded", "C exited with 30", "A exited with 10");
        assertEquals(expected, TwoBackends.onSimulator());
        assertEquals(expected, TwoBackends.onNative());
        TwoBackends.main(new String[0]);
    }
}
