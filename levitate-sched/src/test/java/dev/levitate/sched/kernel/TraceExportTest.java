package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Perfetto trace, parsed and checked against the trace-event format (every event's required
 * fields for its phase, no overlapping slices on a track, every pid and tid named) and against
 * the kernel's own figures: it tells the same story as the report.
 */
class TraceExportTest {
    private static final long MAPPER_VA = 0x2000_0000L;
    private static List<Map<String, Object>> events;
    private static int size;
    private static Map<String, Long> expectedReadyNanos = new HashMap<>();
    private static Map<String, Long> expectedRunNanos = new HashMap<>();
    private static long tlbis;
    private static int ticks;
    private static Schedule schedule;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void runTheDemo() {
        try (Kernel k = Kernel.builder().ramMib(64).policy(new RoundRobinPolicy(1)).build()) {
            schedule = Schedule.attach(k);
            TraceExport export = TraceExport.of(schedule);
            long tick = k.tickCycles();
            k.spawn(Workload.named("A").write("A").compute(tick * 3 / 2).repeat(4).exit(1));
            k.spawn(Workload.named("B \"quoted\"\\").write("B").compute(tick * 3 / 2).repeat(4).exit(2));
            k.spawnUser(Workload.named("mapper").touchPages(MAPPER_VA, 8).sleep(2).repeat(3).write("done").exit(3));
            k.spawn(Workload.named("sleeper").sleep(5).write("z").repeat(2).exit(4));
            assertTrue(k.run(10_000).allExited());
            for (Task t : k.tasks()) {
                expectedReadyNanos.put(t.name(), schedule.nanos(k.controlBlock(t).waitCycles()));
                expectedRunNanos.put(t.name(), t.cyclesRun());
            }
            tlbis = k.tlbInvalidations();
            ticks = schedule.ticks().size();
            String json = export.toJson();
            size = export.size();
            Map<String, Object> root = (Map<String, Object>) Json.parse(json);
            events = new ArrayList<>();
            for (Object o : (List<Object>) root.get("traceEvents")) {
                events.add((Map<String, Object>) o);
            }
        }
    }

    private static long nanos(Object microseconds) {
        return Math.round(((Double) microseconds) * 1000);
    }

    private static int integer(Map<String, Object> e, String key) {
        Object v = e.get(key);
        assertTrue(v instanceof Double d && d == Math.rint(d), "'" + key + "' must be an integer: " + e);
        return ((Double) v).intValue();
    }

    @Test
    void everyEventHasTheFieldsItsPhaseRequires() {
        for (Map<String, Object> e : events) {
            assertTrue(e.get("name") instanceof String, "name: " + e);
            assertTrue(e.get("ph") instanceof String, "ph: " + e);
            integer(e, "pid");
            String ph = (String) e.get("ph");
            switch (ph) {
                case "X" -> {
                    integer(e, "tid");
                    assertTrue(e.get("ts") instanceof Double && (Double) e.get("ts") >= 0, "ts: " + e);
                    assertTrue(e.get("dur") instanceof Double && (Double) e.get("dur") >= 0, "dur: " + e);
                }
                case "i" -> {
                    integer(e, "tid");
                    assertTrue(e.get("ts") instanceof Double, "ts: " + e);
                    assertTrue(Set.of("g", "p", "t").contains(e.get("s")), "an instant's scope is g, p or t: " + e);
                }
                case "C" -> {
                    assertTrue(e.get("ts") instanceof Double, "ts: " + e);
                    Object args = e.get("args");
                    assertTrue(args instanceof Map<?, ?> m && !m.isEmpty() && m.values().stream().allMatch(v -> v instanceof Double),
                            "a counter's args are its numeric series: " + e);
                }
                case "M" -> {
                    assertTrue(Set.of("process_name", "thread_name", "thread_sort_index", "process_sort_index").contains(e.get("name")), e.toString());
                    Object args = e.get("args");
                    assertTrue(args instanceof Map, "metadata has args: " + e);
                    if (((String) e.get("name")).endsWith("_name")) {
                        assertTrue(((Map<?, ?>) args).get("name") instanceof String, "a name: " + e);
                    }
                    if (((String) e.get("name")).startsWith("thread")) {
                        integer(e, "tid");
                    }
                }
                default -> throw new AssertionError("a phase this exporter does not write: " + e);
            }
        }
    }

    @Test
    void everyPidAndTidIsNamed() {
        Set<Integer> processes = new HashSet<>();
        Set<String> threads = new HashSet<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("M") && e.get("name").equals("process_name")) {
                processes.add(integer(e, "pid"));
            }
            if (e.get("ph").equals("M") && e.get("name").equals("thread_name")) {
                threads.add(integer(e, "pid") + "/" + integer(e, "tid"));
            }
        }
        for (Map<String, Object> e : events) {
            assertTrue(processes.contains(integer(e, "pid")), "pid without a process_name: " + e);
            if (Set.of("X", "i", "B", "E").contains(e.get("ph"))) {
                assertTrue(threads.contains(integer(e, "pid") + "/" + integer(e, "tid")), "tid without a thread_name: " + e);
            }
        }
    }

    @Test
    void slicesOnATrackNeverOverlap() {
        Map<String, List<long[]>> tracks = new TreeMap<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("X")) {
                long ts = nanos(e.get("ts"));
                tracks.computeIfAbsent(integer(e, "pid") + "/" + integer(e, "tid"), x -> new ArrayList<>()).add(new long[] {ts, ts + nanos(e.get("dur"))});
            }
        }
        assertTrue(tracks.size() >= 6, "a track per task and the CPU's: " + tracks.keySet());
        for (Map.Entry<String, List<long[]>> t : tracks.entrySet()) {
            List<long[]> slices = t.getValue();
            slices.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < slices.size(); i++) {
                assertTrue(slices.get(i - 1)[1] <= slices.get(i)[0], "track " + t.getKey() + ": [" + slices.get(i - 1)[0] + ", "
                        + slices.get(i - 1)[1] + "] overlaps [" + slices.get(i)[0] + ", " + slices.get(i)[1] + "] (ns)");
            }
        }
    }

    @Test
    void readyAndRunningAreSlicesThatMatchTheKernelsFigures() {
        Map<Integer, String> names = new HashMap<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("M") && e.get("name").equals("thread_name") && integer(e, "pid") == 1) {
                String n = (String) ((Map<?, ?>) e.get("args")).get("name");
                names.put(integer(e, "tid"), n.contains(" (") ? n.substring(0, n.lastIndexOf(" (")) : n);
            }
        }
        Map<String, Long> ready = new HashMap<>();
        Map<String, Long> cpuByTask = new HashMap<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("X") && e.get("name").equals("ready") && integer(e, "pid") == 1) {
                ready.merge(names.get(integer(e, "tid")), nanos(e.get("dur")), Long::sum);
            }
            if (e.get("ph").equals("X") && integer(e, "pid") == 2 && integer(e, "tid") == TraceExport.CPU_TID) {
                cpuByTask.merge((String) e.get("name"), nanos(e.get("dur")), Long::sum);
            }
        }
        for (String task : List.of("A", "B \"quoted\"\\")) {
            long want = expectedReadyNanos.get(task);
            assertTrue(want > 0, task + " waited");
            // each slice's duration is a difference of floored ns: within 1 ns per slice of the total
            assertTrue(Math.abs(ready.getOrDefault(task, 0L) - want) <= 20, task + ": ready slices " + ready.get(task) + " ns, kernel's wait " + want + " ns");
            long run = schedule.nanos(expectedRunNanos.get(task));
            assertTrue(Math.abs(cpuByTask.getOrDefault(task, 0L) - run) <= 20, task + ": CPU track " + cpuByTask.get(task) + " ns, ran " + run + " ns");
        }
        for (String state : List.of("running", "ready", "sleeping")) {
            assertTrue(events.stream().anyMatch(e -> e.get("ph").equals("X") && e.get("name").equals(state)), state + " slices");
        }
    }

    @Test
    void timerTicksTlbisAndCountersHaveTracks() {
        long tickInstants = events.stream().filter(e -> e.get("ph").equals("i") && integer(e, "tid") == TraceExport.TIMER_TID).count();
        assertEquals(ticks, tickInstants, "one instant per timer interrupt the kernel handled");
        assertTrue(ticks > 10, "ticks: " + ticks);
        List<Map<String, Object>> tlbi = events.stream().filter(e -> e.get("name").equals("tlbi")).toList();
        assertEquals(tlbis, tlbi.size(), "every TLBI the kernel issued");
        assertTrue(tlbi.stream().allMatch(e -> integer(e, "tid") == 0), "TLBIs on the kernel's thread");
        assertTrue(events.stream().anyMatch(e -> e.get("ph").equals("M") && e.get("name").equals("thread_name") && integer(e, "tid") == 0
                && "kernel".equals(((Map<?, ?>) e.get("args")).get("name"))), "thread 0 is named 'kernel'");
        List<Double> free = new ArrayList<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("C") && e.get("name").equals("free frames")) {
                free.add((Double) ((Map<?, ?>) e.get("args")).get("free_frames"));
            }
        }
        assertTrue(free.size() > 3, "the free-frames counter changes as the mapper maps and the kernel reaps: " + free);
        assertEquals(free.get(0), free.get(free.size() - 1), "every frame came back by the end");
        assertTrue(free.stream().mapToDouble(Double::doubleValue).min().orElseThrow() < free.get(0), "pages were taken in between");
    }

    @Test
    void theCountIsTheFilesEvents() {
        assertEquals(events.size(), size, "size() is the length of traceEvents");
    }

    @Test
    void theReaderRejectsMalformedJson() {
        for (String bad : new String[] {"{\"a\":1,}", "[1 2]", "{\"a\":\"\u0001\"}", "{} x", "{\"a\":1,\"a\":2}"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
