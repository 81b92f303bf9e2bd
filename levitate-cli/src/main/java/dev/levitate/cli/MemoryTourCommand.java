package dev.levitate.cli;

import dev.levitate.core.LevitateException;
import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.InvalidFreeException;
import dev.levitate.core.mem.PhysicalMemory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code levitate tour}: the memory machinery at work, step by step, in the terminal.
 *
 * <p>It shows the buddy allocator over QEMU virt's RAM (0x4000_0000, kernel image at
 * 0x4008_0000 reserved): splitting, coalescing and rejected frees, with a picture of the free
 * lists after every step; then translation tables: mapping, block splitting, unmap with the TLB
 * log, and reclamation of empty tables.
 */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = {"The buddy allocator and translation tables at work, step by step.", "",
            "Show the kernel's memory machinery at work, step by step: the buddy allocator (splitting, coalescing, validated frees), then a user address space (map, a 2 MiB block split by break-before-make, unmap with the exact TLB maintenance, and empty tables going back to the allocator)."})
public final class MemoryTourCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--ram-mib", defaultValue = "128", paramLabel = "MIB", description = "RAM size in MiB, 4..4096 (default: ${DEFAULT-VALUE}).")
    private int ramMib;

    /** Creates the command (picocli instantiates it). */
    public MemoryTourCommand() {
    }

    private static final long RAM_BASE = 0x4000_0000L;
    private static final long KERNEL_IMAGE = 0x4008_0000L;
    private static final long KERNEL_SIZE = 2L << 20;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (ramMib < 4 || ramMib > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ram-mib must be 4..4096, got " + ramMib);
        }
        long ram = (long) ramMib << 20;
        PhysicalMemory memory = PhysicalMemory.of(RAM_BASE, ram);
        BuddyAllocator frames = BuddyAllocator.builder()
                .regions(memory)
                .reserve(KERNEL_IMAGE, KERNEL_SIZE)
                .maxOrder(BuddyAllocator.DEFAULT_MAX_ORDER)
                .zeroOnAllocate(memory)
                .build();

        out.println("Levitate memory tour, part 1 — the buddy allocator over QEMU virt RAM");
        out.printf("RAM %s..%s (%d MiB), kernel image %s..%s reserved%n%n",
                LevitateException.hex(RAM_BASE), LevitateException.hex(RAM_BASE + ram), ramMib,
                LevitateException.hex(KERNEL_IMAGE), LevitateException.hex(KERNEL_IMAGE + KERNEL_SIZE));
        out.println("Free lists at boot (the reserved image splits RAM into aligned blocks):");
        FreeListPicture.print(out, frames);

        out.println();
        out.println("1. A page table wants a 4 KiB frame: the smallest free block is split in halves down to order 0.");
        long pt = frames.allocatePage();
        out.printf("   allocatePage() = %s%n", LevitateException.hex(pt));
        out.println("2. A task wants a 16 KiB stack (order 2):");
        long stack = frames.allocate(2);
        out.printf("   allocate(2)    = %s%n", LevitateException.hex(stack));
        FreeListPicture.print(out, frames);

        out.println();
        out.println("3. Frees are validated: each mistake below is refused and changes nothing.");
        tryFree(out, frames, pt, 1, "wrong order");
        tryFree(out, frames, stack + 4096, 0, "inside an allocated block");
        tryFree(out, frames, KERNEL_IMAGE, 0, "the reserved kernel image");
        tryFree(out, frames, 0x0900_0000L, 0, "the UART's MMIO page, not RAM");
        frames.freePage(pt);
        out.printf("   freePage(%s) ok%n", LevitateException.hex(pt));
        tryFree(out, frames, pt, 0, "the same frame again");

        out.println();
        out.println("4. Freeing the stack lets the buddies merge back, level by level:");
        frames.free(stack, 2);
        FreeListPicture.print(out, frames);
        frames.checkInvariants();
        out.printf("%nAll frames back: %d free, %d used. Invariants hold.%n", frames.freeFrames(), frames.usedFrames());

        PageTableTour.run(out, memory, frames);
        return 0;
    }

    private static void tryFree(PrintWriter out, BuddyAllocator frames, long pa, int order, String what) {
        try {
            frames.free(pa, order);
            out.printf("   free(%s, %d) was accepted?!%n", LevitateException.hex(pa), order);
        } catch (InvalidFreeException e) {
            out.printf("   %-30s -> %s: %s%n", what, e.getClass().getSimpleName(), e.getMessage());
        }
    }
}
