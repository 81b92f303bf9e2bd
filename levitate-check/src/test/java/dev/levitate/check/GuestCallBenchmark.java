package dev.levitate.check;

import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;

/**
 * Measures guest calls per second by hand (not a test: timings are not asserted anywhere):
 * {@code java -cp <test classpath> dev.levitate.check.GuestCallBenchmark}. Prints a trivial call's
 * rate, the example kernel's map_page + unmap_page rate with no checks, and the rate of checked
 * operations through the harness with the TLB model.
 */
public final class GuestCallBenchmark {
    private GuestCallBenchmark() {
    }

    /**
     * Runs the measurements.
     *
     * @param args unused
     * @throws Exception if the example kernel cannot be built
     */
    public static void main(String[] args) throws Exception {
        GuestKernel k = GuestKernelTest.kernel();
        for (int round = 0; round < 3; round++) {
            long n = 1_000_000;
            long t0 = System.nanoTime();
            long sum = 0;
            for (long i = 0; i < n; i++) {
                sum += k.call("add3", i, 1, 2);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("add3 (3 instructions): %.0f calls/s (checksum %d)%n", n / s, sum);
        }
        KernelCheck check = ExampleKernel.check(null);
        for (int round = 0; round < 3; round++) {
            GuestKernel g = check.load();
            PageTableHarness h = check.harness();
            GuestKernel raw = ((GuestPageTable) h.table).kernel();
            long root = h.table.root();
            long n = 20_000;
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) {
                long va = 0x10_0000_0000L + (i % 64) * 4096;
                raw.call("map_page", va, 0x4000_0000L, 0x0060_0000_0000_0F00L);
                raw.call("unmap_page", va);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("map_page + unmap_page, unchecked: %.0f calls/s (root 0x%x, %s)%n", 2 * n / s, root, g.hasSymbol("mmu_init"));
            h.tlbModel.detach();

            PageTableHarness c = check.harness();
            long m = 5_000;
            t0 = System.nanoTime();
            for (long i = 0; i < m; i++) {
                long va = 0x10_0000_0000L + (i % 64) * 4096;
                c.step(new PageTableOp.Map(va, 0x4000_0000L, dev.levitate.mmu.Attributes.KERNEL_DATA));
                c.step(new PageTableOp.Unmap(va));
            }
            s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("map + unmap through the harness (model, invariants, TLB model): %.0f checked operations/s%n", 2 * m / s);
            c.run(List.of());

            // the peer, in the same run: the same operations through the same harness on
            // levitate-mmu's own PageTable (Java, no simulator)
            PageTableHarness j = new PageTableHarness(b -> b.vaBits(48).asid(7));
            t0 = System.nanoTime();
            for (long i = 0; i < m; i++) {
                long va = 0x10_0000_0000L + (i % 64) * 4096;
                j.step(new PageTableOp.Map(va, 0x4000_0000L, dev.levitate.mmu.Attributes.KERNEL_DATA));
                j.step(new PageTableOp.Unmap(va));
            }
            s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("peer: the same through the harness on levitate-mmu's PageTable: %.0f checked operations/s%n", 2 * m / s);
            j.run(List.of());
        }
    }
}
