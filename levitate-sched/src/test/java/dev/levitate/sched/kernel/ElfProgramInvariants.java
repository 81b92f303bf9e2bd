package dev.levitate.sched.kernel;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;

/**
 * What must hold for any file given to {@link ElfProgram#parse(byte[])} and {@link
 * Kernel#spawnUserElf(String, byte[], long)}, shared by the fuzz test and the replay of kept
 * regression inputs: only {@link IllegalArgumentException} escapes parsing; an accepted program's
 * segments lie in the program area, copy at most the file's bytes and hold the entry point; a
 * refused spawn changes nothing (free frames, tasks); an accepted one runs for a bounded number
 * of ticks and, if it ended, gave back every frame.
 */
final class ElfProgramInvariants {
    /** Ticks an accepted program may run (a count, not a time). */
    static final int RUN_TICKS = 20;

    private ElfProgramInvariants() {
    }

    /**
     * Checks one file without a kernel.
     *
     * @param file the bytes
     * @return the program, or null if refused
     * @throws AssertionError naming what broke
     */
    static ElfProgram parse(byte[] file) {
        ElfProgram p;
        try {
            p = ElfProgram.parse(file);
        } catch (IllegalArgumentException expected) {
            return null;
        } catch (Throwable t) {
            throw new AssertionError("parse threw " + t, t);
        }
        long copied = 0;
        boolean entryInside = false;
        for (ElfProgram.Segment s : p.segments()) {
            copied += s.bytes().length;
            if (s.vaddr() < 0x1000 || s.memsz() < 0 || s.vaddr() > AddressSpace.MMAP_BASE - s.memsz() || s.bytes().length > s.memsz()) {
                throw new AssertionError(String.format("segment at 0x%x (+0x%x, %d file bytes) accepted outside the program area",
                        s.vaddr(), s.memsz(), s.bytes().length));
            }
            entryInside |= s.executable() && p.entry() >= s.vaddr() && p.entry() < s.vaddr() + s.memsz();
        }
        if (copied > file.length) {
            throw new AssertionError("segments copy " + copied + " bytes of a " + file.length + "-byte file");
        }
        if (!entryInside) {
            throw new AssertionError(String.format("entry 0x%x accepted outside every executable segment", p.entry()));
        }
        return p;
    }

    /**
     * Checks one file through a fresh kernel.
     *
     * @param file the bytes
     * @throws AssertionError naming what broke
     */
    static void spawnAndRun(byte[] file) {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            long free = k.frames().freeFrames();
            int tasks = k.tasks().size();
            Task t;
            try {
                t = k.spawnUserElf("fuzzed", file, 0);
            } catch (IllegalArgumentException | dev.levitate.core.alloc.OutOfFramesException refused) { // the documented two
                if (k.frames().freeFrames() != free || k.tasks().size() != tasks) {
                    throw new AssertionError("a refused spawn (" + refused.getMessage() + ") changed the kernel: free frames " + free
                            + " -> " + k.frames().freeFrames() + ", tasks " + tasks + " -> " + k.tasks().size());
                }
                return;
            }
            k.run(RUN_TICKS);
            k.frames().checkInvariants();
            if (t.state() == TaskState.REAPED && k.frames().freeFrames() != k.freeFramesAfterBoot()) {
                throw new AssertionError("the task ended but " + (k.freeFramesAfterBoot() - k.frames().freeFrames()) + " frames did not come back");
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("the kernel threw " + t, t);
        }
    }
}
