package dev.levitate.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void theLifecycleFollowsTheTable() {
        Task t = new Task(2, "worker", 0);
        t.moveTo(TaskState.READY);
        t.moveTo(TaskState.RUNNING);
        t.moveTo(TaskState.SLEEPING);
        t.moveTo(TaskState.READY);
        t.moveTo(TaskState.RUNNING);
        t.moveTo(TaskState.EXITED);
        t.moveTo(TaskState.REAPED);
        assertEquals(TaskState.REAPED, t.state());
    }

    @Test
    void anIllegalTransitionNamesBothStatesAndChangesNothing() {
        Task t = new Task(2, "worker", 0);
        IllegalTaskStateException e = assertThrows(IllegalTaskStateException.class, () -> t.moveTo(TaskState.RUNNING));
        assertTrue(e.getMessage().contains("from NEW to RUNNING"), e.getMessage());
        assertEquals(TaskState.NEW, t.state());
        t.moveTo(TaskState.READY);
        t.moveTo(TaskState.RUNNING);
        t.moveTo(TaskState.EXITED);
        assertThrows(IllegalTaskStateException.class, () -> t.moveTo(TaskState.READY), "no task runs after exit");
    }

    @Test
    void spawnedTasksNeverGetTheBootOrIdleIdAndIdsAreNotReused() {
        TaskIds ids = new TaskIds();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            int id = ids.next();
            assertTrue(id != TaskIds.BOOT && id != TaskIds.IDLE, "id " + id);
            assertTrue(seen.add(id));
        }
    }

    @Test
    void roundRobinIsFifoWithAFixedQuantum() {
        RoundRobinPolicy rr = new RoundRobinPolicy(10);
        Task a = new Task(2, "A", 0);
        Task b = new Task(3, "B", 0);
        rr.enqueue(a);
        rr.enqueue(b);
        assertThrows(IllegalArgumentException.class, () -> rr.enqueue(a));
        assertEquals(a, rr.pickNext());
        rr.enqueue(a);
        assertEquals(b, rr.pickNext());
        assertEquals(a, rr.pickNext());
        assertNull(rr.pickNext());
        assertEquals(10, rr.quantum(a));
        assertThrows(IllegalArgumentException.class, () -> new RoundRobinPolicy(0));
    }

    /**
     * Under round-robin every READY task runs within one round: between two turns of a task, every
     * other task that stayed ready runs exactly once ("ABAB…" for two).
     */
    @Property(tries = 200)
    void everyReadyTaskRunsOncePerRound(@ForAll @IntRange(min = 1, max = 12) int tasks, @ForAll @Size(max = 60) List<Boolean> exits) {
        RoundRobinPolicy rr = new RoundRobinPolicy(1);
        List<Task> all = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Task t = new Task(2 + i, "T" + i, 0);
            t.moveTo(TaskState.READY);
            rr.enqueue(t);
            all.add(t);
        }
        List<Integer> order = new ArrayList<>();
        int step = 0;
        Task t;
        while ((t = rr.pickNext()) != null && step < 500) {
            t.moveTo(TaskState.RUNNING);
            order.add(t.id());
            boolean exit = step < exits.size() && exits.get(step);
            step++;
            if (exit) {
                t.moveTo(TaskState.EXITED);
            } else {
                t.moveTo(TaskState.READY);
                rr.enqueue(t);
            }
            if (step > 400) {
                break;
            }
        }
        // between two runs of the same task, no other task runs twice
        for (int i = 0; i < order.size(); i++) {
            int again = order.subList(i + 1, order.size()).indexOf(order.get(i));
            if (again < 0) {
                continue; // it exited
            }
            Set<Integer> between = new HashSet<>();
            for (int j = i + 1; j <= i + again; j++) {
                assertTrue(between.add(order.get(j)), "task " + order.get(j) + " ran twice while " + order.get(i) + " waited: " + order);
            }
        }
        for (Task x : all) {
            assertTrue(x.state() == TaskState.EXITED || x.state() == TaskState.READY, x.toString());
        }
    }
}
