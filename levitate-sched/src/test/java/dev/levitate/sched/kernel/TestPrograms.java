package dev.levitate.sched.kernel;

import java.util.ArrayList;
import java.util.List;

/** Guest programs the kernel tests share. */
final class TestPrograms {
    private TestPrograms() {
    }

    /** Guest code: {@code head}, then the workload {@code rest}. */
    static GuestProgram then(GuestCode head, Workload rest) {
        return base -> {
            byte[] h = head.bytes();
            byte[] r = rest.program().assemble(base + h.length);
            byte[] out = new byte[h.length + r.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(r, 0, out, h.length, r.length);
            return out;
        };
    }

    /** A victim: writes {@code letters} one at a time, yielding between them, then exits with {@code code}. */
    static Workload victim(String name, String letters, long code) {
        Workload w = Workload.named(name);
        for (char c : letters.toCharArray()) {
            w.write(String.valueOf(c)).yield();
        }
        return w.exit(code);
    }

    /** Collects what each task wrote, by task id, from WRITE events. */
    static final class Output implements KernelListener {
        private final java.util.Map<Integer, StringBuilder> byTask = new java.util.HashMap<>();
        final List<KernelEvent> denied = new ArrayList<>();
        final List<KernelEvent> halts = new ArrayList<>();

        @Override
        public void event(KernelEvent e) {
            if (e.kind() == KernelEvent.Kind.WRITE) {
                byTask.computeIfAbsent(e.task(), id -> new StringBuilder()).append(e.detail());
            } else if (e.kind() == KernelEvent.Kind.DENIED) {
                denied.add(e);
            } else if (e.kind() == KernelEvent.Kind.HALT) {
                halts.add(e);
            }
        }

        String of(dev.levitate.sched.Task t) {
            StringBuilder b = byTask.get(t.id());
            return b == null ? "" : b.toString();
        }
    }
}
