package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RrVsMlfqTest {
    @Test
    void mlfqGivesInteractiveTasksTheCpuSoonerAndCostsTheHogsLittle() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, RrVsMlfq.Run> runs = RrVsMlfq.lesson(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        for (RrVsMlfq.Run run : runs.values()) {
            assertTrue(run.tasks().stream().allMatch(RrVsMlfq.TaskTimes::exited), run.policy() + ": every task exits\n" + out);
        }
        RrVsMlfq.Run rr = runs.get("rr");
        RrVsMlfq.Run mlfq = runs.get("mlfq");
        assertTrue(mlfq.mean(true, RrVsMlfq.TaskTimes::responseMs) <= rr.mean(true, RrVsMlfq.TaskTimes::responseMs), out);
        assertTrue(mlfq.mean(true, RrVsMlfq.TaskTimes::meanWakeLatencyMs) < rr.mean(true, RrVsMlfq.TaskTimes::meanWakeLatencyMs), out);
        assertTrue(mlfq.mean(true, RrVsMlfq.TaskTimes::turnaroundMs) < rr.mean(true, RrVsMlfq.TaskTimes::turnaroundMs), out);
        // the hogs pay at most a tenth more turnaround for it
        assertTrue(mlfq.mean(false, RrVsMlfq.TaskTimes::turnaroundMs) <= 1.1 * rr.mean(false, RrVsMlfq.TaskTimes::turnaroundMs), out);
        assertTrue(out.contains("What it shows"), out);
    }
}
