package dev.levitate.sim.boot;

import dev.levitate.sim.fdt.FdtWriter;
import dev.levitate.sim.gic.GicV2;
import dev.levitate.sim.machine.Machine;

/**
 * The device tree of the simulated machine, written as QEMU 7.2 writes {@code virt}'s for
 * {@code -M virt -cpu cortex-a53} with one core (hw/arm/virt.c, hw/arm/boot.c): the same nodes,
 * names, properties, values, phandles and order for everything the simulator models, so a kernel
 * that reads its DTB finds the same answers on both.
 *
 * <pre>
 * / { interrupt-parent = &lt;0x8002&gt;; model = compatible = "linux,dummy-virt"; #address-cells = #size-cells = &lt;2&gt;;
 *   psci { migrate, cpu_on, cpu_off, cpu_suspend (the PSCI 0.2 IDs); method = "hvc";
 *          compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci"; };
 *   memory@40000000 { reg = &lt;RAM base, RAM size&gt;; device_type = "memory"; };
 *   pl011@9000000 { clocks = apb-pclk twice (uartclk, apb_pclk); interrupts = &lt;SPI 1, level high&gt;; reg; compatible = "arm,pl011", "arm,primecell"; };
 *   intc@8000000 { phandle 0x8002; reg = &lt;GICD 64 KiB, GICC 64 KiB&gt;; compatible = "arm,cortex-a15-gic"; interrupt-controller; #interrupt-cells = &lt;3&gt;; ... };
 *   cpus { cpu-map/socket0/cluster0/core0 { cpu = &lt;0x8001&gt;; }; cpu@0 { phandle 0x8001; reg = &lt;0&gt;; compatible = "arm,cortex-a53"; device_type = "cpu"; }; };
 *   timer { interrupts = PPIs 13, 14, 11, 10 (IDs 29, 30, 27, 26), level high, to CPU 0; always-on; compatible = "arm,armv8-timer", "arm,armv7-timer"; };
 *   apb-pclk { phandle 0x8000; 24 MHz fixed clock "clk24mhz"; };
 *   chosen { linux,initrd-end; linux,initrd-start (with an initrd); bootargs (with a command line); stdout-path = "/pl011@9000000"; };
 * };
 * </pre>
 *
 * <p>Left out, on purpose: the devices the simulator does not model (QEMU's flash@0 with its CFI
 * command set, the GICv2m MSI frame under the intc, the PMU, the PL031 RTC, the PL061 GPIO and its
 * gpio-keys, fw-cfg, the virtio-mmio transports, PCIe, the platform bus), so a kernel that probes
 * what its DTB lists touches no device that is not there; and {@code /chosen}'s {@code rng-seed}
 * and {@code kaslr-seed}, random on QEMU, since the same run must give the same result here.
 * {@code cpu@0} has no {@code enable-method}: QEMU writes {@code enable-method = "psci"} only when
 * there are two cores or more. The initrd's addresses are one 32-bit cell each, as QEMU 7.2 writes
 * them, or two when the address needs more (Linux reads either). The blob has no memory
 * reservations, as QEMU's, and is packed (QEMU's is padded to 1 MiB, see {@link KernelBoot}).
 */
public final class VirtDeviceTree {
    /** The phandle of the 24 MHz APB clock, as QEMU's. */
    public static final int PHANDLE_CLOCK = 0x8000;
    /** The phandle of cpu@0, as QEMU's. */
    public static final int PHANDLE_CPU0 = 0x8001;
    /** The phandle of the interrupt controller, as QEMU's. */
    public static final int PHANDLE_GIC = 0x8002;
    /** The path of the UART's node: /chosen/stdout-path. */
    public static final String UART_PATH = "/pl011@9000000";

    private static final int GIC_SPI = 0;
    private static final int GIC_PPI = 1;
    private static final int IRQ_TYPE_LEVEL_HIGH = 4;
    /** A PPI's flags in QEMU's DTB: the CPU mask (one CPU) in bits [15:8], level high. */
    private static final int PPI_FLAGS = (1 << 8) | IRQ_TYPE_LEVEL_HIGH;

    private VirtDeviceTree() {
    }

    /**
     * Writes the blob.
     *
     * @param ramBytes the RAM's size (from {@value Machine#RAM_BASE})
     * @param bootargs the kernel command line for {@code /chosen/bootargs}, or null or empty for none
     *     (QEMU writes the property only for a non-empty {@code -append})
     * @param initrdStart where the initrd is, if {@code initrdSize > 0}
     * @param initrdSize its size, 0 for none (then {@code /chosen} has no {@code linux,initrd-*})
     * @return the flattened device tree
     * @throws IllegalArgumentException if ramBytes is not positive or bootargs holds a NUL
     */
    public static byte[] write(long ramBytes, String bootargs, long initrdStart, long initrdSize) {
        if (ramBytes <= 0) {
            throw new IllegalArgumentException("RAM size must be positive, got " + ramBytes);
        }
        if (bootargs != null && bootargs.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the command line may not contain NUL");
        }
        FdtWriter w = new FdtWriter();
        w.beginNode("").cells("interrupt-parent", PHANDLE_GIC).strings("model", "linux,dummy-virt")
                .cells("#size-cells", 2).cells("#address-cells", 2).strings("compatible", "linux,dummy-virt");
        // PSCI 0.2's function IDs, SMC64 where PSCI has both (what QEMU's fdt_add_psci_node writes)
        w.beginNode("psci").cells("migrate", 0xC400_0005).cells("cpu_on", 0xC400_0003).cells("cpu_off", 0x8400_0002)
                .cells("cpu_suspend", 0xC400_0001).strings("method", "hvc")
                .strings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci").endNode();
        w.beginNode("memory@" + Long.toHexString(Machine.RAM_BASE)).cells("reg", cells(Machine.RAM_BASE, ramBytes))
                .strings("device_type", "memory").endNode();
        w.beginNode("pl011@" + Long.toHexString(Machine.UART_BASE)).strings("clock-names", "uartclk", "apb_pclk")
                .cells("clocks", PHANDLE_CLOCK, PHANDLE_CLOCK).cells("interrupts", GIC_SPI, Machine.UART_INTERRUPT - 32, IRQ_TYPE_LEVEL_HIGH)
                .cells("reg", cells(Machine.UART_BASE, Machine.UART_SIZE)).strings("compatible", "arm,pl011", "arm,primecell").endNode();
        int[] gicReg = new int[8];
        System.arraycopy(cells(GicV2.DISTRIBUTOR_BASE, GicV2.WINDOW), 0, gicReg, 0, 4);
        System.arraycopy(cells(GicV2.CPU_INTERFACE_BASE, GicV2.WINDOW), 0, gicReg, 4, 4);
        w.beginNode("intc@" + Long.toHexString(GicV2.DISTRIBUTOR_BASE)).cells("phandle", PHANDLE_GIC).cells("reg", gicReg)
                .strings("compatible", "arm,cortex-a15-gic").empty("ranges").cells("#size-cells", 2).cells("#address-cells", 2)
                .empty("interrupt-controller").cells("#interrupt-cells", 3).endNode();
        w.beginNode("cpus").cells("#size-cells", 0).cells("#address-cells", 1);
        w.beginNode("cpu-map").beginNode("socket0").beginNode("cluster0").beginNode("core0").cells("cpu", PHANDLE_CPU0)
                .endNode().endNode().endNode().endNode();
        w.beginNode("cpu@0").cells("phandle", PHANDLE_CPU0).cells("reg", 0).strings("compatible", "arm,cortex-a53")
                .strings("device_type", "cpu").endNode();
        w.endNode();
        // secure physical (PPI 13), non-secure physical (14 = ID 30), virtual (11 = ID 27), hypervisor (10)
        w.beginNode("timer").cells("interrupts", GIC_PPI, 13, PPI_FLAGS, GIC_PPI, 14, PPI_FLAGS, GIC_PPI, 11, PPI_FLAGS,
                GIC_PPI, 10, PPI_FLAGS).empty("always-on").strings("compatible", "arm,armv8-timer", "arm,armv7-timer").endNode();
        w.beginNode("apb-pclk").cells("phandle", PHANDLE_CLOCK).strings("clock-output-names", "clk24mhz")
                .cells("clock-frequency", 24_000_000).cells("#clock-cells", 0).strings("compatible", "fixed-clock").endNode();
        w.beginNode("chosen");
        if (initrdSize > 0) {
            w.cells("linux,initrd-end", address(initrdStart + initrdSize)).cells("linux,initrd-start", address(initrdStart));
        }
        if (bootargs != null && !bootargs.isEmpty()) {
            w.strings("bootargs", bootargs);
        }
        w.strings("stdout-path", UART_PATH).endNode();
        w.endNode();
        return w.finish(0);
    }

    /** An address and a size as two cells each. */
    private static int[] cells(long address, long size) {
        return new int[] {(int) (address >>> 32), (int) address, (int) (size >>> 32), (int) size};
    }

    /** One cell when the address fits in 32 bits, as QEMU 7.2 writes it; two otherwise. */
    private static int[] address(long a) {
        return (a >>> 32) == 0 ? new int[] {(int) a} : new int[] {(int) (a >>> 32), (int) a};
    }
}
