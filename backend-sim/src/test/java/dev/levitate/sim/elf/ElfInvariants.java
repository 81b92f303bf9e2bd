package dev.levitate.sim.elf;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.machine.Machine;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What must hold for any file given to {@link ElfImage#parse(byte[])}, shared by the fuzz test and
 * the replay of kept regression inputs: only {@link ElfFormatException} escapes parsing and
 * loading; an accepted image allocates within the file's size (segment bytes at most the file,
 * distinct symbol names at most {@link ElfImage#NAME_BYTES_PER_STRTAB_BYTE} times it); and the
 * loaded image runs to a stop within a bounded number of instructions, with no Java exception.
 */
final class ElfInvariants {
    /** Instructions an accepted image runs (a count, not a time). */
    static final int RUN_BUDGET = 10_000;

    private ElfInvariants() {
    }

    /** Tells whether the parser accepts a file (for the fuzz test's statistics). */
    static boolean accepted(byte[] file) {
        try {
            ElfImage.parse(file);
            return true;
        } catch (ElfFormatException e) {
            return false;
        }
    }

    /**
     * Checks one file.
     *
     * @param file the bytes
     * @return null if every invariant held, or what broke
     */
    static String check(byte[] file) {
        ElfImage image;
        try {
            image = ElfImage.parse(file);
        } catch (ElfFormatException expected) {
            return null;
        } catch (Throwable t) { // OutOfMemoryError included: that is the bug this guards against
            return "parse threw " + t;
        }
        long segmentBytes = 0;
        for (ElfImage.Segment s : image.segments()) {
            segmentBytes += s.bytes().length;
        }
        if (segmentBytes > file.length) {
            return "segments hold " + segmentBytes + " bytes of a " + file.length + "-byte file";
        }
        Set<String> names = Collections.newSetFromMap(new IdentityHashMap<>());
        names.addAll(image.symbols().values());
        long nameChars = names.stream().mapToLong(String::length).sum();
        if (nameChars > (long) ElfImage.NAME_BYTES_PER_STRTAB_BYTE * file.length) {
            return "symbol names hold " + nameChars + " characters from a " + file.length + "-byte file";
        }
        try {
            Machine m = new Machine(64L << 20, c -> { }, c -> { }, c -> { });
            try {
                m.loadElf(image);
            } catch (ElfFormatException expected) {
                return null;
            }
            StopKind stop = m.run(RUN_BUDGET);
            if (stop == StopKind.NONE) {
                return "the run ended with no stop reason";
            }
        } catch (Throwable t) {
            return "loading or running threw " + t;
        }
        return null;
    }
}
