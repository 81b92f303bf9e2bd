package dev.levitate.cli;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.LevitateException;
import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiRecord;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import dev.levitate.mmu.PageTableListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code levitate pagetable FILE}: builds an address space from a small description and prints
 * its tree (or Graphviz DOT), and, with {@code --unmap VA}, what unmapping that page would free
 * and which TLB maintenance it would take.
 *
 * <pre>
 *   # comments start with #
 *   space lower 48 asid 5               # half (lower|upper), VA bits (48|39), ASID
 *   map   0x1234_5000 0x4444_5000 user-data
 *   range 0x4000_0000 0x4000_0000 4M kernel-data blocks   # "blocks" allows 2 MiB / 1 GiB blocks
 * </pre>
 * Attributes: kernel-code, kernel-rodata, kernel-data, device, user-code, user-rodata, user-data,
 * user-stack. Numbers are hex (0x…, underscores allowed) or decimal with an optional K, M or G.
 */
@Command(name = "pagetable", mixinStandardHelpOptions = true,
        description = {"Build an address space from a file: its tree, its DOT, what an unmap frees.", "",
            "Build an address space from a description file and print its translation tables; with --unmap, show what unmapping one page frees and which TLB maintenance it takes. File lines: 'space lower|upper 48|39 asid N', 'map VA PA ATTRS', 'range VA PA SIZE ATTRS [blocks]'; ATTRS: kernel-code kernel-rodata kernel-data device user-code user-rodata user-data user-stack."})
public final class PageTableCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** The largest description file read (a description is a few lines; this bounds a mistake such as a disk image). */
    static final long MAX_DESCRIPTION_BYTES = 1L << 20;

    @Parameters(index = "0", paramLabel = "FILE", description = "The address-space description (UTF-8 text).")
    private Path file;

    @Option(names = "--dot", description = "Print Graphviz DOT instead of the text tree.")
    private boolean dot;

    @Option(names = "--unmap", paramLabel = "VA", description = "Unmap this page and report what was freed.")
    private String unmap;

    /** Creates the command (picocli instantiates it). */
    public PageTableCommand() {
    }

    private static final Map<String, Attributes> PRESETS = Map.of(
            "kernel-code", Attributes.KERNEL_CODE, "kernel-rodata", Attributes.KERNEL_RODATA,
            "kernel-data", Attributes.KERNEL_DATA, "device", Attributes.DEVICE,
            "user-code", Attributes.USER_CODE, "user-rodata", Attributes.USER_RODATA,
            "user-data", Attributes.USER_DATA, "user-stack", Attributes.USER_STACK);

    /** A mistake in the description file, with its line. */
    static final class DescriptionException extends Exception {
        private static final long serialVersionUID = 1L;

        DescriptionException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    static long number(String s, int line) throws DescriptionException {
        String t = s.replace("_", "").toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            long unit = 1;
            if (t.endsWith("k")) {
                unit = 1L << 10;
            } else if (t.endsWith("m")) {
                unit = 1L << 20;
            } else if (t.endsWith("g")) {
                unit = 1L << 30;
            }
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
            return Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            throw new DescriptionException(line, "'" + s + "' is not a number (use 0x..., or decimal with K, M or G)");
        }
    }

    static Attributes attributes(String s, int line) throws DescriptionException {
        Attributes a = PRESETS.get(s);
        if (a == null) {
            throw new DescriptionException(line, "unknown attributes '" + s + "'; use one of " + new java.util.TreeSet<>(PRESETS.keySet()));
        }
        return a;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> lines = CliFiles.readUtf8(file, MAX_DESCRIPTION_BYTES, LevitateCommand.FAILURE, "address-space description").lines().toList();
        long unmapVa = 0;
        if (unmap != null) {
            try {
                unmapVa = number(unmap, 0);
            } catch (DescriptionException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--unmap: '" + unmap + "' is not a number (use 0x..., or decimal with K, M or G)");
            }
        }
        PhysicalMemory ram = PhysicalMemory.of(0x4000_0000L, 1L << 30);
        BuddyAllocator frames = BuddyAllocator.builder().regions(ram).build();
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        PageTable table = null;
        try {
            for (int i = 0; i < lines.size(); i++) {
                int n = i + 1;
                String line = lines.get(i).replaceAll("#.*", "").trim();
                if (line.isEmpty()) {
                    continue;
                }
                String[] w = line.split("\\s+");
                switch (w[0]) {
                    case "space": {
                        if (table != null) {
                            throw new DescriptionException(n, "'space' must come once, before any mapping");
                        }
                        if (w.length != 5 || !w[3].equals("asid")) {
                            throw new DescriptionException(n, "expected 'space lower|upper 48|39 asid N'");
                        }
                        Half half = w[1].equals("upper") ? Half.UPPER : w[1].equals("lower") ? Half.LOWER : null;
                        if (half == null) {
                            throw new DescriptionException(n, "half must be 'lower' (TTBR0) or 'upper' (TTBR1), not '" + w[1] + "'");
                        }
                        table = PageTable.builder(ram, frames, tlb).half(half).vaBits((int) number(w[2], n)).asid((int) number(w[4], n)).build();
                        break;
                    }
                    case "map":
                        if (w.length != 4) {
                            throw new DescriptionException(n, "expected 'map VA PA ATTRS'");
                        }
                        table = orDefault(table, ram, frames, tlb);
                        table.map(number(w[1], n), number(w[2], n), attributes(w[3], n));
                        break;
                    case "range":
                        if (w.length != 5 && !(w.length == 6 && w[5].equals("blocks"))) {
                            throw new DescriptionException(n, "expected 'range VA PA SIZE ATTRS [blocks]'");
                        }
                        table = orDefault(table, ram, frames, tlb);
                        table.mapRange(number(w[1], n), number(w[2], n), number(w[3], n), attributes(w[4], n), w.length == 6);
                        break;
                    default:
                        throw new DescriptionException(n, "unknown directive '" + w[0] + "' (space, map, range)");
                }
            }
        } catch (DescriptionException | LevitateException | IllegalArgumentException e) {
            throw new CliException(LevitateCommand.FAILURE, Printable.escape(file.toString()) + ": " + e.getMessage());
        }
        table = orDefault(table, ram, frames, tlb);
        if (unmap != null) {
            List<String> freed = new ArrayList<>();
            table.addListener(new PageTableListener() {
                @Override
                public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
                    freed.add(String.format("L%d table %s (covered %s..%s)", level, hex(tablePa), hex(vaStart), hex(vaEnd - 1)));
                }
            });
            long va = unmapVa;
            try {
                int mark = tlb.mark();
                long pa = table.unmap(va);
                out.printf("unmap(%s) -> frame %s (the caller's to free)%n", hex(va), hex(pa));
                out.println("TLB maintenance, in order:");
                for (TlbiRecord r : tlb.since(mark)) {
                    out.println("  " + r);
                }
                out.println(freed.isEmpty() ? "No table became empty." : "Tables freed after the invalidation:");
                freed.forEach(f -> out.println("  " + f));
                out.println();
            } catch (LevitateException | IllegalArgumentException e) {
                throw new CliException(LevitateCommand.FAILURE, "--unmap " + Printable.escape(unmap) + ": " + e.getMessage());
            }
        }
        out.print(dot ? PageTableDump.dot(table) : PageTableDump.tree(table));
        return 0;
    }

    private static PageTable orDefault(PageTable t, PhysicalMemory ram, BuddyAllocator frames, RecordingTlbMaintenance tlb) {
        return t != null ? t : PageTable.builder(ram, frames, tlb).build();
    }
}
