package dev.levitate.sim.gdb;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.sim.mmu.TableTree;
import dev.levitate.sim.mmu.TlbReport;
import java.util.List;
import java.util.Locale;

/**
 * GDB's {@code monitor} commands ({@code qRcmd}), for what the simulator knows and QEMU's stub
 * cannot show: the TLB with its stale entries, the tables the MMU walks, the cycle clock.
 *
 * <pre>
 *   monitor help                     the commands
 *   monitor phys on|off              memory packets use physical addresses / the current translation (default)
 *   monitor tlb                      the TLB's entries (VA, PA, ASID or global, size, level, permissions, STALE) and the walk cache
 *   monitor pagetable ttbr0|ttbr1    the translation tables under that TTBR, as the MMU walks them
 *   monitor cycles                   the cycle clock, idle cycles and retired instructions
 *   monitor stats                    instructions by tier, cycles, exceptions, TLB statistics
 * </pre>
 * {@code phys} is QEMU's {@code PhyMemMode} ({@code maintenance packet Qqemu.PhyMemMode:1}) as a
 * monitor command. Nothing here changes the machine; only {@code phys} changes the stub.
 *
 * <p>Not thread-safe: the stub's thread owns it.
 */
final class Monitor {
    /** The most lines {@code pagetable} prints. */
    static final int MAX_TABLE_LINES = 2000;

    static final String HELP = String.join("\n",
            "Levitate monitor commands:",
            "  monitor help                     this list",
            "  monitor phys on|off              m/M/X packets use physical addresses (on) or the current translation regime (off, default)",
            "  monitor tlb                      the TLB's valid entries (VA -> PA, ASID or global, size, level, permissions; STALE",
            "                                   where the tables now say otherwise) and the walk cache's table descriptors",
            "  monitor pagetable ttbr0|ttbr1    the translation tables under TTBR0_EL1 or TTBR1_EL1, as the MMU walks them",
            "  monitor cycles                   the cycle clock, idle cycles (WFI) and retired instructions",
            "  monitor stats                    instructions by tier, cycles, exceptions taken, TLB statistics",
            "");

    private final Cpu cpu;
    private boolean physical;

    /**
     * Creates the commands for a core.
     *
     * @param cpu the core
     */
    Monitor(Cpu cpu) {
        this.cpu = cpu;
    }

    /**
     * Tells whether memory packets address physical memory ({@code monitor phys on}).
     *
     * @return true for physical addresses, false for the current translation regime
     */
    boolean physical() {
        return physical;
    }

    /** Back to the default for a new debugger: the current translation regime. */
    void reset() {
        physical = false;
    }

    /**
     * Runs one command.
     *
     * @param line the command as typed after {@code monitor}
     * @return the text to show, each line ended by a newline
     */
    String execute(String line) {
        String[] words = line.strip().toLowerCase(Locale.ROOT).split("\\s+");
        switch (words[0]) {
            case "":
            case "help":
                return HELP;
            case "phys":
                if (words.length == 2 && (words[1].equals("on") || words[1].equals("off"))) {
                    physical = words[1].equals("on");
                }
                return "memory packets use " + (physical ? "physical addresses" : "the current translation regime (virtual addresses)")
                        + (words.length == 2 && !words[1].equals("on") && !words[1].equals("off") ? " (usage: monitor phys on|off)" : "")
                        + "\n";
            case "tlb":
                return text(TlbReport.lines(cpu.mmu(), ""));
            case "pagetable":
                if (words.length == 2 && (words[1].equals("ttbr0") || words[1].equals("ttbr1"))) {
                    return text(TableTree.lines(cpu.mmu(), words[1].equals("ttbr1"), MAX_TABLE_LINES));
                }
                return "usage: monitor pagetable ttbr0|ttbr1\n";
            case "cycles":
                return String.format("cycles %d (idle in WFI %d), instructions %d, EL%d, pc 0x%016x%n", cpu.cycles(), cpu.idleCycles(),
                        cpu.instructions(), cpu.exceptionLevel(), cpu.pc());
            case "stats":
                return stats();
            default:
                return "unknown monitor command '" + Printable.of(line.strip()) + "'; 'monitor help' lists them\n";
        }
    }

    private String stats() {
        long n = cpu.instructions();
        Mmu mmu = cpu.mmu();
        return String.format("instructions %d (%.1f%% in the fast tier, %.1f%% in %d compiled blocks)%n"
                + "cycles %d (idle %d), IPC %.2f%n"
                + "exceptions taken %d%n"
                + "MMU %s, ASID %d; TLB: %s%n",
                n, n == 0 ? 0.0 : 100.0 * cpu.fastTierInstructions() / n, n == 0 ? 0.0 : 100.0 * cpu.compiledInstructions() / n,
                cpu.compiledBlocks(), cpu.cycles(), cpu.idleCycles(), cpu.cycles() == 0 ? 0.0 : n / (double) cpu.cycles(),
                cpu.exceptionsTaken(), mmu.enabled() ? "on" : "off", mmu.currentAsid(), mmu.stats());
    }

    private static String text(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /** Escapes what a debugger typed before echoing it. */
    private static final class Printable {
        static String of(String s) {
            StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
            for (int i = 0; i < s.length() && i < 80; i++) {
                char c = s.charAt(i);
                sb.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
            return sb.toString();
        }
    }
}
