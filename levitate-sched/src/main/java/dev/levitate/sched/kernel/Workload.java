package dev.levitate.sched.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A scripted task: a list of steps the kernel compiles to real guest code (see {@link GuestCode}),
 * so scheduling experiments need no assembly.
 * <pre>
 *   Workload.named("hog").compute(5_000_000).yield().sleep(3).write("done\n").exit(0)
 * </pre>
 * Steps: compute about N cycles (a SUBS/B.NE loop), sleep T ticks, yield, write text to the
 * console, touch pages (a user task maps, writes and unmaps them), lock/unlock a mutex, down/up a
 * semaphore, crash, repeat the steps so far, exit.
 */
public final class Workload {
    private final String name;
    private final List<String> steps = new ArrayList<>();
    private final List<java.util.function.Consumer<Builder>> emitters = new ArrayList<>();
    /** The same steps for backends that run scripts, or null once a step has no script form. */
    private List<dev.levitate.core.spi.ScriptStep> script = new ArrayList<>();
    private String notScriptable = "";

    /** Emits one step into the code being built. */
    private interface Builder {
        GuestCode code();

        long dataAddress(String text);
    }

    private Workload(String name) {
        this.name = name;
    }

    /**
     * Starts a workload.
     *
     * @param name the task's name
     * @return the workload
     */
    public static Workload named(String name) {
        return new Workload(name);
    }

    /**
     * Returns the task's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the steps, for display.
     *
     * @return one description per step
     */
    public List<String> steps() {
        return Collections.unmodifiableList(steps);
    }

    /**
     * Computes for about {@code cycles} cycles (two instructions per loop iteration).
     *
     * @param cycles at least 2
     * @return this
     */
    public Workload compute(long cycles) {
        steps.add("compute " + cycles);
        emitters.add(b -> b.code().spin(Math.max(1, cycles / 2)));
        script(dev.levitate.core.spi.ScriptStep.Kind.COMPUTE, Math.max(1, cycles / 2));
        return this;
    }

    /**
     * Sleeps.
     *
     * @param ticks timer ticks
     * @return this
     */
    public Workload sleep(long ticks) {
        steps.add("sleep " + ticks);
        emitters.add(b -> b.code().mov(0, ticks).syscall(Syscall.SLEEP));
        script(dev.levitate.core.spi.ScriptStep.Kind.SLEEP, Math.max(0, ticks));
        return this;
    }

    /**
     * Yields the CPU.
     *
     * @return this
     */
    public Workload yield() {
        steps.add("yield");
        emitters.add(b -> b.code().syscall(Syscall.YIELD));
        script(dev.levitate.core.spi.ScriptStep.Kind.YIELD, 0);
        return this;
    }

    /**
     * Writes text to the console.
     *
     * @param text ASCII text
     * @return this
     */
    public Workload write(String text) {
        steps.add("write \"" + text.replace("\n", "\\n") + "\"");
        emitters.add(b -> b.code().mov(0, 1).movFixed(1, b.dataAddress(text)).mov(2, text.length()).syscall(Syscall.WRITE));
        noScript("write");
        return this;
    }

    /**
     * Maps {@code pages} pages at {@code va}, writes each, and unmaps them. User tasks only: in a
     * kernel task mmap fails with -EINVAL and the first store faults (there is no user address
     * space), so the task is killed.
     *
     * @param va a page-aligned user address in the mmap area
     * @param pages 1..256
     * @return this
     */
    public Workload touchPages(long va, int pages) {
        steps.add("touch " + pages + " page(s) at 0x" + Long.toHexString(va));
        noScript("touch pages");
        emitters.add(b -> {
            GuestCode g = b.code();
            g.mov(0, va).mov(1, pages).syscall(Syscall.MMAP);
            for (int i = 0; i < pages; i++) {
                g.mov(10, va + 4096L * i).str(10, 10);
            }
            g.mov(0, va).mov(1, pages).syscall(Syscall.MUNMAP);
        });
        return this;
    }

    /**
     * Takes a mutex made with {@link Kernel#createMutex()} (blocks while another task holds it).
     *
     * @param mutex the mutex id
     * @return this
     */
    public Workload lock(int mutex) {
        steps.add("lock " + mutex);
        emitters.add(b -> b.code().mov(0, mutex).syscall(Syscall.MUTEX_LOCK));
        noScript("lock");
        return this;
    }

    /**
     * Releases a mutex.
     *
     * @param mutex the mutex id
     * @return this
     */
    public Workload unlock(int mutex) {
        steps.add("unlock " + mutex);
        emitters.add(b -> b.code().mov(0, mutex).syscall(Syscall.MUTEX_UNLOCK));
        noScript("unlock");
        return this;
    }

    /**
     * P on a semaphore made with {@link Kernel#createSemaphore(long)}.
     *
     * @param semaphore the semaphore id
     * @return this
     */
    public Workload down(int semaphore) {
        steps.add("down " + semaphore);
        emitters.add(b -> b.code().mov(0, semaphore).syscall(Syscall.SEM_DOWN));
        noScript("down");
        return this;
    }

    /**
     * V on a semaphore.
     *
     * @param semaphore the semaphore id
     * @return this
     */
    public Workload up(int semaphore) {
        steps.add("up " + semaphore);
        emitters.add(b -> b.code().mov(0, semaphore).syscall(Syscall.SEM_UP));
        noScript("up");
        return this;
    }

    /**
     * Reads address 0x8, which nothing maps: the task dies with a data abort (translation fault),
     * and the kernel reaps it like any other.
     *
     * @return this
     */
    public Workload crash() {
        steps.add("crash (read 0x8)");
        emitters.add(b -> b.code().mov(10, 8).ldr(0, 10));
        noScript("crash");
        return this;
    }

    /**
     * Repeats every step added so far {@code times} times in all.
     *
     * @param times at least 1
     * @return this
     */
    public Workload repeat(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("repeat at least once, not " + times);
        }
        List<java.util.function.Consumer<Builder>> body = new ArrayList<>(emitters);
        steps.add("repeat all of the above " + times + " times");
        if (script != null) {
            if ((long) script.size() * times > 1_000_000) {
                noScript("repeat " + times + " times (too long to unroll)");
            } else {
                List<dev.levitate.core.spi.ScriptStep> once = new ArrayList<>(script);
                for (int i = 1; i < times; i++) {
                    script.addAll(once);
                }
            }
        }
        emitters.clear();
        emitters.add(b -> {
            GuestCode g = b.code();
            g.mov(20, times);
            int loop = g.here();
            for (java.util.function.Consumer<Builder> e : body) {
                e.accept(b);
            }
            g.subs(20, 20, 1).bne(loop);
        });
        return this;
    }

    /**
     * Exits.
     *
     * @param code the exit code
     * @return this
     */
    public Workload exit(long code) {
        steps.add("exit " + code);
        emitters.add(b -> b.code().mov(0, code).syscall(Syscall.EXIT));
        script(dev.levitate.core.spi.ScriptStep.Kind.EXIT, code);
        return this;
    }

    private void script(dev.levitate.core.spi.ScriptStep.Kind kind, long value) {
        if (script != null) {
            script.add(new dev.levitate.core.spi.ScriptStep(kind, value));
        }
    }

    private void noScript(String why) {
        if (script != null) {
            script = null;
            notScriptable = why;
        }
    }

    /**
     * Returns the steps as a script for backends that do not run guest code (the native backend):
     * compute, sleep, yield and exit only, repeats unrolled, ending with exit(0) if no exit was given.
     *
     * @return the script
     * @throws UnsupportedOperationException if a step has no script form (write, touch pages, lock,
     *     unlock, down, up, crash)
     */
    public List<dev.levitate.core.spi.ScriptStep> scriptSteps() {
        if (script == null) {
            throw new UnsupportedOperationException("workload '" + name + "' cannot run as a script: its '" + notScriptable
                    + "' step needs guest code (run it on the simulator)");
        }
        List<dev.levitate.core.spi.ScriptStep> out = new ArrayList<>(script);
        if (out.isEmpty() || out.get(out.size() - 1).kind() != dev.levitate.core.spi.ScriptStep.Kind.EXIT) {
            out.add(new dev.levitate.core.spi.ScriptStep(dev.levitate.core.spi.ScriptStep.Kind.EXIT, 0));
        }
        return out;
    }

    /**
     * Compiles the steps (ending with exit(0) if no exit was given).
     *
     * @return the program
     */
    public GuestProgram program() {
        return base -> {
            // two passes: the first lays the code out, the second knows where the texts land
            List<String> texts = new ArrayList<>();
            GuestCode first = compile(base, texts, null);
            int codeWords = first.words().length;
            long[] at = new long[texts.size()];
            long p = base + 4L * codeWords;
            for (int i = 0; i < texts.size(); i++) {
                at[i] = p;
                p += (texts.get(i).length() + 4) & ~3;
            }
            GuestCode code = compile(base, new ArrayList<>(), at);
            byte[] head = code.bytes();
            byte[] out = new byte[(int) (p - base)];
            System.arraycopy(head, 0, out, 0, head.length);
            for (int i = 0; i < texts.size(); i++) {
                byte[] t = texts.get(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                System.arraycopy(t, 0, out, (int) (at[i] - base), t.length);
            }
            return out;
        };
    }

    private GuestCode compile(long base, List<String> texts, long[] at) {
        GuestCode g = new GuestCode();
        int[] next = {0};
        Builder b = new Builder() {
            @Override
            public GuestCode code() {
                return g;
            }

            @Override
            public long dataAddress(String text) {
                texts.add(text);
                return at == null ? 0 : at[next[0]++];
            }
        };
        for (java.util.function.Consumer<Builder> e : emitters) {
            e.accept(b);
        }
        g.mov(0, 0).syscall(Syscall.EXIT);
        return g;
    }

    @Override
    public String toString() {
        return name + ": " + String.join(", ", steps);
    }
}
