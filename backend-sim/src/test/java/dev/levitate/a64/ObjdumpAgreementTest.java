package dev.levitate.a64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The disassembler against GNU objdump ({@code aarch64-linux-gnu-objdump}, binutils): the same
 * words must read the same, character for character once objdump's tabs, trailing comments
 * ({@code // #42}, {@code // b.any}) and symbol names ({@code 40 <f+0x8>}) are normalized away.
 *
 * <p>Two corpora: random words of every row of the {@link A64} table (biased toward the field
 * values that select an alias: register 31, equal registers, zero and all-ones immediates), and
 * the instructions GCC emits for {@code objdump/corpus.c} and the assembly sources of the test
 * resources. The GCC words also round-trip twice: the decoded fields, encoded again, give the
 * word; and our text, assembled again by GNU as at the same offsets, gives the word.
 *
 * <p>Excluded, and why: GCC words whose row the table lacks (ADC, SBC, NGC: counted and printed);
 * PC-relative words with an unresolved relocation in the object (objdump prints the relocation
 * symbol's address there, not the word's own target). Every row of the table is compared; the
 * {@link #EXCLUDED} list of row forms is empty.
 */
class ObjdumpAgreementTest {
    static final String OBJDUMP = "aarch64-linux-gnu-objdump";
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final long VMA = 0x4000_0000L;
    static final int PER_ROW = 2_000;

    /**
     * Forms of the table left out of the comparison, and why. Each entry is a row and a
     * predicate on the word; an empty map means every word of every row is compared.
     */
    static final Map<String, Exclusion> EXCLUDED = new LinkedHashMap<>();

    record Exclusion(A64 row, java.util.function.IntPredicate applies, String reason) {
    }

    private static boolean excluded(A64 row, int word) {
        for (Exclusion x : EXCLUDED.values()) {
            if (x.row == row && x.applies.test(word)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyRowOfTheTableReadsAsObjdumpReadsIt() throws Exception {
        ExternalTools.require(OBJDUMP + " (apt-get install binutils-aarch64-linux-gnu)", ExternalTools.missing(OBJDUMP));
        SplittableRandom rnd = new SplittableRandom(2024);
        List<Integer> words = new ArrayList<>();
        for (A64 row : A64.values()) {
            int got = 0;
            for (int t = 0; t < PER_ROW * 50 && got < PER_ROW; t++) {
                int w = sample(row.encoding(), rnd);
                if (Decoder.decode(w) == row.ordinal()) {
                    words.add(w);
                    got++;
                }
            }
            assertTrue(got > 0, row + " never decoded to itself");
        }
        // the system space whole: every hint, barrier, PSTATE field, SYS operation and system register
        for (int k = 0; k < 1 << 15; k++) {
            words.add(0xD530_0000 | k << 5 | rnd.nextInt(32));             // MRS
            words.add(0xD510_0000 | k << 5 | rnd.nextInt(32));             // MSR (register)
            if (k < 1 << 14) {
                words.add(0xD508_0000 | k << 5 | (k % 3 == 0 ? 31 : rnd.nextInt(32))); // SYS
            }
            if (k < 1 << 10) {
                words.add(0xD500_401F | (k >>> 7) << 16 | (k & 0x7F) << 5);  // MSR (immediate)
            }
            if (k < 128) {
                words.add(0xD503_201F | k << 5);                             // HINT
            }
            if (k < 64) {
                words.add(0xD503_309F | (k >>> 2) << 8 | (4 + (k & 3)) << 5); // barriers
            }
        }
        Path dir = Files.createTempDirectory("levitate-objdump");
        Path bin = dir.resolve("rows.bin");
        ByteBuffer buf = ByteBuffer.allocate(4 * words.size()).order(ByteOrder.LITTLE_ENDIAN);
        words.forEach(buf::putInt);
        Files.write(bin, buf.array());
        Map<Long, String[]> theirs = objdump(OBJDUMP, "-D", "-b", "binary", "-m", "aarch64",
                "--adjust-vma=0x" + Long.toHexString(VMA), bin.toString());
        Map<A64, int[]> tally = new EnumMap<>(A64.class);
        Map<A64, List<String>> wrong = new EnumMap<>(A64.class);
        int compared = 0;
        int skipped = 0;
        for (int i = 0; i < words.size(); i++) {
            long pc = VMA + 4L * i;
            int w = words.get(i);
            A64 row = A64.of(Decoder.decode(w));
            String[] line = theirs.get(pc);
            assertTrue(line != null, "objdump printed nothing at " + Long.toHexString(pc));
            assertEquals(String.format("%08x", w), line[0]);
            if (excluded(row, w)) {
                skipped++;
                continue;
            }
            String ours = Disassembler.disassemble(w, pc);
            int[] t = tally.computeIfAbsent(row, r -> new int[2]);
            t[1]++;
            compared++;
            if (ours.equals(line[1])) {
                t[0]++;
            } else {
                List<String> l = wrong.computeIfAbsent(row, r -> new ArrayList<>());
                if (l.size() < 8) {
                    l.add(String.format("%08x: ours '%s', objdump '%s'", w, ours, line[1]));
                }
            }
        }
        StringBuilder report = new StringBuilder();
        for (Map.Entry<A64, int[]> e : tally.entrySet()) {
            report.append(String.format("  %-14s %5d/%5d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        System.out.printf("objdump agreement, %d words of %d rows compared (%d excluded):%n%s", compared, tally.size(), skipped, report);
        EXCLUDED.forEach((k, v) -> System.out.println("  excluded " + k + ": " + v.reason()));
        StringBuilder msg = new StringBuilder();
        wrong.forEach((row, l) -> {
            int[] t = tally.get(row);
            msg.append(row).append(": ").append(t[1] - t[0]).append(" of ").append(t[1]).append(" differ\n");
            l.forEach(s -> msg.append("    ").append(s).append('\n'));
        });
        assertTrue(wrong.isEmpty(), wrong.size() + " row(s) disagree with objdump:\n" + msg);
        List<A64> unchecked = new ArrayList<>(List.of(A64.values()));
        unchecked.removeAll(tally.keySet());
        assertTrue(unchecked.isEmpty(), "rows neither compared nor excluded: " + unchecked);
    }

    @Test
    void gccOutputReadsAsObjdumpReadsItAndReencodes() throws Exception {
        ExternalTools.require(OBJDUMP + " (apt-get install binutils-aarch64-linux-gnu)", ExternalTools.missing(OBJDUMP));
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        ExternalTools.require("aarch64-linux-gnu-as (apt-get install binutils-aarch64-linux-gnu)", ExternalTools.missing("aarch64-linux-gnu-as"));
        Path dir = Files.createTempDirectory("levitate-objdump-gcc");
        List<Path> objects = new ArrayList<>();
        Path c = copy("/objdump/corpus.c", dir);
        objects.add(compile(c, dir.resolve("corpus-O2.o"), "-O2"));
        objects.add(compile(c, dir.resolve("corpus-Os.o"), "-Os"));
        objects.add(compile(c, dir.resolve("corpus-lse.o"), "-O2", "-march=armv8.1-a"));
        objects.add(compile(c, dir.resolve("corpus-llsc.o"), "-O1", "-mno-outline-atomics"));
        for (String s : List.of("/asm/hello.S", "/asm/gdb-target.S", "/baremetal/exceptions.S", "/baremetal/mmu.S", "/baremetal/timer.S")) {
            Path src = copy(s, dir);
            if (s.startsWith("/baremetal/")) {
                copy("/baremetal/lib.inc", dir);
            }
            objects.add(compile(src, dir.resolve(src.getFileName() + ".o")));
        }
        int compared = 0;
        int relocated = 0;
        int notInTable = 0;
        Map<String, Integer> missingRows = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        Map<String, TreeMap<Long, String>> reassemble = new LinkedHashMap<>();
        for (Path o : objects) {
            for (Map.Entry<Long, String[]> e : objdumpSections(o).entrySet()) {
                String[] line = e.getValue();
                if (line.length > 2) {
                    relocated++;
                    continue;
                }
                int w = (int) Long.parseLong(line[0], 16);
                long pc = e.getKey() & 0xFFFF_FFFFL;
                int id = Decoder.decode(w);
                if (id == Decoder.UNDEFINED && !(line[1].startsWith("udf ") || line[1].startsWith(".inst "))) {
                    notInTable++;
                    missingRows.merge(line[1].split(" ")[0], 1, Integer::sum);
                    continue;
                }
                compared++;
                String ours = Disassembler.disassemble(w, pc);
                if (id != Decoder.UNDEFINED) {
                    reassemble.computeIfAbsent(o.getFileName() + "#" + (e.getKey() >>> 32), k -> new TreeMap<>())
                            .put(pc, String.format("%08x ", w) + asGasSource(A64.of(id), ours));
                }
                if (!ours.equals(line[1])) {
                    wrong.add(String.format("%s %x %08x: ours '%s', objdump '%s'", o.getFileName(), pc, w, ours, line[1]));
                }
                if (id == Decoder.UNDEFINED) {
                    continue; // UDF or an undefined word: read alike, nothing to re-encode
                }
                Encoding enc = A64.of(id).encoding();
                assertEquals(w & fieldAndFixedBits(enc), reencode(enc, w), () -> String.format("%08x re-encodes", w));
            }
        }
        System.out.printf("objdump agreement on GCC output: %d instructions compared, %d disagree; excluded: %d not in the table %s,"
                + " %d PC-relative with an unresolved relocation (objdump prints the symbol's address, not the word's target)%n",
                compared, wrong.size(), notInTable, missingRows, relocated);
        assertTrue(compared > 1000, "the corpus is too small: " + compared);
        int reassembled = 0;
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, String>> g : reassemble.entrySet()) {
            reassembled += gasRoundTrip(dir, g.getKey().replace('#', '-').replace('.', '_'), g.getValue(), differ);
        }
        System.out.printf("GNU as round trip of our text for the GCC output: %d instructions reassembled, %d differ%n", reassembled, differ.size());
        assertTrue(differ.isEmpty(), "our text, assembled by GNU as, is not the word GCC emitted:\n  "
                + String.join("\n  ", differ.subList(0, Math.min(40, differ.size()))));
        assertTrue(wrong.isEmpty(), wrong.size() + " GCC-emitted instruction(s) disagree with objdump:\n  "
                + String.join("\n  ", wrong.subList(0, Math.min(40, wrong.size()))));
    }

    /** Our text with a PC-relative target made relative to the section start, which GNU as can relocate. */
    private static String asGasSource(A64 row, String text) {
        String s = row.encoding().syntax();
        if (s.contains("{rel}") || s.contains("{adr}") || s.contains("{adrp}")) {
            return text.replaceFirst("0x([0-9a-f]+)$", "base+0x$1");
        }
        return text;
    }

    /**
     * Assembles our text of one section's instructions at their offsets with GNU as, links the
     * section at 0, and compares every word with the one GCC emitted.
     *
     * @return how many words were compared
     */
    private static int gasRoundTrip(Path dir, String name, TreeMap<Long, String> lines, List<String> differ) throws Exception {
        StringBuilder s = new StringBuilder(".text\nbase:\n");
        lines.forEach((off, l) -> s.append(String.format(".org 0x%x%n%s%n", off, l.substring(9))));
        Path src = dir.resolve(name + "-again.S");
        Files.writeString(src, s.toString());
        Path obj = dir.resolve(name + "-again.o");
        Path elf = dir.resolve(name + "-again.elf");
        Path bin = dir.resolve(name + "-again.bin");
        run(List.of("aarch64-linux-gnu-as", "-march=armv8.2-a", "-o", obj.toString(), src.toString()), dir);
        run(List.of("aarch64-linux-gnu-ld", "-Ttext=0", "-e", "0", "-o", elf.toString(), obj.toString()), dir);
        run(List.of("aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", elf.toString(), bin.toString()), dir);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        lines.forEach((off, l) -> {
            int want = (int) Long.parseLong(l.substring(0, 8), 16);
            int got = b.getInt((int) (long) off);
            if (want != got) {
                differ.add(String.format("%s %x: %08x '%s' assembles to %08x", name, off, want, l.substring(9), got));
            }
        });
        return lines.size();
    }

    // ---- sampling

    private static int sample(Encoding e, SplittableRandom rnd) {
        int w = e.value() | (rnd.nextInt() & ~e.mask());
        Field[] regs = {Field.RD, Field.RN, Field.RM, Field.RA};
        for (Field f : Field.values()) {
            if (!e.has(f) || rnd.nextInt(4) != 0) {
                continue;
            }
            int width = e.width(f);
            int ones = (int) ((1L << width) - 1);
            int v;
            switch (rnd.nextInt(4)) {
                case 0: v = 0; break;
                case 1: v = ones; break;
                case 2: v = 31 & ones; break;
                default: {
                    Field other = regs[rnd.nextInt(regs.length)];
                    v = e.has(other) ? e.get(w, other) & ones : rnd.nextInt(width) & ones;
                }
            }
            w = put(e, w, f, v);
        }
        return w;
    }

    private static int put(Encoding e, int w, Field f, int v) {
        int shift = Integer.numberOfTrailingZeros(fieldMask(e, f));
        int mask = fieldMask(e, f);
        return (w & ~mask) | ((v << shift) & mask);
    }

    private static int fieldMask(Encoding e, Field f) {
        int m = 0;
        for (int b = 0; b < 32; b++) {
            if (e.get(1 << b, f) != 0) {
                m |= 1 << b;
            }
        }
        return m;
    }

    private static int fieldAndFixedBits(Encoding e) {
        int m = e.mask();
        for (Field f : Field.values()) {
            if (e.has(f)) {
                m |= fieldMask(e, f);
            }
        }
        return m;
    }

    private static int reencode(Encoding e, int w) {
        List<Object> values = new ArrayList<>();
        for (Field f : Field.values()) {
            if (e.has(f)) {
                values.add(f);
                values.add(e.get(w, f));
            }
        }
        return e.encode(values.toArray());
    }

    // ---- the tools

    private static Path copy(String resource, Path dir) throws IOException {
        Path p = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = ObjdumpAgreementTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "missing resource " + resource);
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static Path compile(Path src, Path out, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(GCC, "-ffreestanding", "-nostdlib", "-mgeneral-regs-only", "-c"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", out.toString(), src.toString()));
        run(cmd, src.getParent());
        return out;
    }

    private static String run(List<String> cmd, Path cwd) throws Exception {
        Path log = Files.createTempFile("levitate-objdump", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " timed out");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> cmd + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f]{8}) \\t(.*)$");
    private static final Pattern SYMBOL_TARGET = Pattern.compile("\\b([0-9a-f]+) <[^>]*>");

    /** Runs objdump and returns address → {word, normalized text}. */
    private static Map<Long, String[]> objdump(String... cmd) throws Exception {
        Map<Long, String[]> out = new LinkedHashMap<>();
        for (String l : run(List.of(cmd), null).split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                out.put(Long.parseUnsignedLong(m.group(1), 16), new String[] {m.group(2), normalize(m.group(3))});
            }
        }
        return out;
    }

    private static final Pattern RELOC = Pattern.compile("^\\s*([0-9a-f]+): (R_AARCH64_\\w+)\\s.*$");
    private static final java.util.Set<String> PC_RELATIVE_RELOCS = java.util.Set.of("R_AARCH64_CALL26", "R_AARCH64_JUMP26",
            "R_AARCH64_CONDBR19", "R_AARCH64_TSTBR14", "R_AARCH64_ADR_PREL_LO21", "R_AARCH64_LD_PREL_LO19");

    /**
     * Every instruction (not data: {@code .word} and the like) of every executable section of an
     * object, keyed by section index and offset; a third element marks a PC-relative instruction
     * with a relocation (objdump prints the symbol's address for it, not the word's own target).
     */
    private static Map<Long, String[]> objdumpSections(Path o) throws Exception {
        Map<Long, String[]> out = new LinkedHashMap<>();
        long section = 0;
        for (String l : run(List.of(OBJDUMP, "-d", "-r", o.toString()), null).split("\n")) {
            if (l.startsWith("Disassembly of section")) {
                section++;
            }
            Matcher r = RELOC.matcher(l);
            if (r.matches() && PC_RELATIVE_RELOCS.contains(r.group(2))) {
                long key = section << 32 | Long.parseUnsignedLong(r.group(1), 16);
                String[] line = out.get(key);
                if (line != null) {
                    out.put(key, new String[] {line[0], line[1], r.group(2)});
                }
                continue;
            }
            Matcher m = LINE.matcher(l);
            if (m.matches() && !m.group(3).startsWith(".")) {
                out.put(section << 32 | Long.parseUnsignedLong(m.group(1), 16), new String[] {m.group(2), normalize(m.group(3))});
            }
        }
        return out;
    }

    static String normalize(String text) {
        String t = text;
        int comment = t.indexOf("//");
        if (comment >= 0) {
            t = t.substring(0, comment);
        }
        t = SYMBOL_TARGET.matcher(t).replaceAll("0x$1");
        return t.replace('\t', ' ').replaceAll(" +", " ").trim();
    }
}
