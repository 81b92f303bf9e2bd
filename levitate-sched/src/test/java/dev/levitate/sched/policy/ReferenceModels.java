package dev.levitate.sched.policy;

import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain list-based implementations of each policy's rule, written for obviousness, not speed:
 * linear scans over an {@link ArrayList}, eager MLFQ boosts. The properties check that the real
 * policies give the same answers.
 */
final class ReferenceModels {
    private ReferenceModels() {
    }

    /** The policy contract, as the models implement it; {@code observe} exposes per-task state. */
    interface Model {
        void enqueue(Task t);

        Task pickNext();

        boolean remove(Task t);

        int quantum(Task t);

        int size();

        default void tick(Task running) {
        }

        default void ran(Task t, long cycles, boolean expired) {
        }

        default boolean preempts(Task woken, Task running) {
            return false;
        }

        default void setPriority(Task t, int p) {
            boolean queued = remove(t);
            t.setPriority(p);
            if (queued) {
                enqueue(t);
            }
        }

        default Object observe(Task t) {
            return null;
        }
    }

    /** Round-robin and FIFO: one list, add at the end, take the first. */
    static final class FifoModel implements Model {
        final List<Task> queue = new ArrayList<>();
        final int quantum;

        FifoModel(int quantum) {
            this.quantum = quantum;
        }

        @Override
        public void enqueue(Task t) {
            queue.add(t);
        }

        @Override
        public Task pickNext() {
            return queue.isEmpty() ? null : queue.remove(0);
        }

        @Override
        public boolean remove(Task t) {
            return queue.remove(t);
        }

        @Override
        public int quantum(Task t) {
            return quantum;
        }

        @Override
        public int size() {
            return queue.size();
        }
    }

    /** Strict priority: the highest priority seen at enqueue, earliest arrival among equals. */
    static final class PriorityModel implements Model {
        record Entry(Task task, int priority, long seq) {
        }

        final List<Entry> queue = new ArrayList<>();
        final int quantum;
        long seq;

        PriorityModel(int quantum) {
            this.quantum = quantum;
        }

        @Override
        public void enqueue(Task t) {
            queue.add(new Entry(t, t.priority(), seq++));
        }

        @Override
        public Task pickNext() {
            Entry best = null;
            for (Entry e : queue) {
                if (best == null || e.priority > best.priority || (e.priority == best.priority && e.seq < best.seq)) {
                    best = e;
                }
            }
            if (best == null) {
                return null;
            }
            queue.remove(best);
            return best.task;
        }

        @Override
        public boolean remove(Task t) {
            return queue.removeIf(e -> e.task == t);
        }

        @Override
        public int quantum(Task t) {
            return quantum;
        }

        @Override
        public int size() {
            return queue.size();
        }

        @Override
        public boolean preempts(Task woken, Task running) {
            return woken.priority() > running.priority();
        }
    }

    /** MLFQ with OSTEP's rules, boosting eagerly: every known task is reset, the lists concatenated. */
    static final class MlfqModel implements Model {
        final int[] quanta;
        final int[] allot;
        final int period;
        final List<List<Task>> levels = new ArrayList<>();
        final Map<Task, int[]> state = new IdentityHashMap<>(); // {level, used}
        long ticks;

        MlfqModel(int[] quanta, int[] allot, int period) {
            this.quanta = quanta;
            this.allot = allot;
            this.period = period;
            for (int i = 0; i < quanta.length; i++) {
                levels.add(new ArrayList<>());
            }
        }

        int[] st(Task t) {
            return state.computeIfAbsent(t, k -> new int[2]);
        }

        @Override
        public void enqueue(Task t) {
            levels.get(st(t)[0]).add(t);
        }

        @Override
        public Task pickNext() {
            for (List<Task> l : levels) {
                if (!l.isEmpty()) {
                    return l.remove(0);
                }
            }
            return null;
        }

        @Override
        public boolean remove(Task t) {
            for (List<Task> l : levels) {
                if (l.remove(t)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int quantum(Task t) {
            return quanta[st(t)[0]];
        }

        @Override
        public int size() {
            return levels.stream().mapToInt(List::size).sum();
        }

        @Override
        public void tick(Task running) {
            ticks++;
            if (running != null) {
                int[] s = st(running);
                s[1]++;
                if (s[1] >= allot[s[0]]) {
                    s[1] = 0;
                    if (s[0] < quanta.length - 1) {
                        s[0]++;
                    }
                }
            }
            if (period > 0 && ticks % period == 0) {
                for (int[] s : state.values()) {
                    s[0] = 0;
                    s[1] = 0;
                }
                List<Task> all = new ArrayList<>();
                for (List<Task> l : levels) {
                    all.addAll(l);
                    l.clear();
                }
                levels.get(0).addAll(all);
            }
        }

        @Override
        public boolean preempts(Task woken, Task running) {
            return st(woken)[0] < st(running)[0];
        }

        @Override
        public Object observe(Task t) {
            int[] s = state.get(t);
            return s == null ? List.of(0, 0) : List.of(s[0], s[1]);
        }
    }

    /** Stride: least (pass, id) runs; pass += stride × max(1, ticks) when it stops. */
    static final class StrideModel implements Model {
        final List<Task> queue = new ArrayList<>();
        final Map<Task, long[]> state = new IdentityHashMap<>(); // {pass, ticks}
        long lastPicked;

        @Override
        public void enqueue(Task t) {
            long vt = lastPicked;
            long[] s = state.get(t);
            if (s == null) {
                state.put(t, new long[] {vt, 0});
            } else {
                s[0] = Math.max(s[0], vt);
                s[1] = 0;
            }
            queue.add(t);
        }

        @Override
        public Task pickNext() {
            Task best = null;
            for (Task q : queue) {
                if (best == null || state.get(q)[0] < state.get(best)[0]
                        || (state.get(q)[0] == state.get(best)[0] && q.id() < best.id())) {
                    best = q;
                }
            }
            if (best != null) {
                queue.remove(best);
                lastPicked = state.get(best)[0];
                state.get(best)[1] = 0;
            }
            return best;
        }

        @Override
        public boolean remove(Task t) {
            return queue.remove(t);
        }

        @Override
        public int quantum(Task t) {
            return 1;
        }

        @Override
        public int size() {
            return queue.size();
        }

        @Override
        public void tick(Task running) {
            if (running != null && state.containsKey(running) && !queue.contains(running)) {
                state.get(running)[1]++;
            }
        }

        @Override
        public void ran(Task t, long cycles, boolean expired) {
            long[] s = state.get(t);
            if (s != null && !queue.contains(t)) {
                s[0] += (StridePolicy.BIG / NiceWeights.weight(t.nice())) * Math.max(1, s[1]);
                s[1] = 0;
            }
        }

        @Override
        public Object observe(Task t) {
            long[] s = state.get(t);
            return s == null ? -1L : s[0];
        }
    }

    /** CFS: least (vruntime, id) runs; vruntime += cycles × 1024 / weight; monotonic minimum. */
    static final class FairModel implements Model {
        final List<Task> queue = new ArrayList<>();
        final Map<Task, Long> vr = new IdentityHashMap<>();
        final Map<Task, Integer> weightAtEnqueue = new IdentityHashMap<>();
        final int latency;
        final long credit;
        long minV;

        FairModel(int latency, long cyclesPerTick) {
            this.latency = latency;
            this.credit = latency * cyclesPerTick / 2;
        }

        @Override
        public void enqueue(Task t) {
            Long v = vr.get(t);
            vr.put(t, v == null ? minV : Math.max(v, minV - credit));
            weightAtEnqueue.put(t, NiceWeights.weight(t.nice()));
            queue.add(t);
        }

        @Override
        public Task pickNext() {
            Task best = null;
            for (Task q : queue) {
                if (best == null || vr.get(q) < vr.get(best) || (vr.get(q).equals(vr.get(best)) && q.id() < best.id())) {
                    best = q;
                }
            }
            if (best != null) {
                queue.remove(best);
                minV = Math.max(minV, vr.get(best));
            }
            return best;
        }

        @Override
        public boolean remove(Task t) {
            return queue.remove(t);
        }

        @Override
        public int quantum(Task t) {
            long total = 0;
            for (Task q : queue) {
                total += weightAtEnqueue.get(q);
            }
            long w = NiceWeights.weight(t.nice());
            if (!queue.contains(t)) {
                total += w;
            }
            return (int) Math.max(1, latency * w / total);
        }

        @Override
        public int size() {
            return queue.size();
        }

        @Override
        public void ran(Task t, long cycles, boolean expired) {
            if (!vr.containsKey(t) || queue.contains(t)) {
                return;
            }
            long v = vr.get(t) + java.math.BigInteger.valueOf(cycles).multiply(java.math.BigInteger.valueOf(1024))
                    .divide(java.math.BigInteger.valueOf(NiceWeights.weight(t.nice()))).longValueExact();
            vr.put(t, v);
            long least = v;
            for (Task q : queue) {
                least = Math.min(least, vr.get(q));
            }
            minV = Math.max(minV, least);
        }

        @Override
        public Object observe(Task t) {
            Long v = vr.get(t);
            return v == null ? -1L : v;
        }
    }
}
