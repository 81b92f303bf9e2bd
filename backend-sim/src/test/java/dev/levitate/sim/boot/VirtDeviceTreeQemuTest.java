package dev.levitate.sim.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.fdt.FdtReader;
import dev.levitate.sim.machine.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device tree the boot loader writes against the one QEMU writes for the same command line
 * ({@code qemu-system-aarch64 -M virt,dumpdtb=FILE -cpu cortex-a53 -m MIB -kernel Image -append ARGS
 * -initrd FILE}): every node and property of ours is in QEMU's, at the same path, with the same
 * bytes and in the same order; what QEMU has beyond it is exactly the list {@link VirtDeviceTree}
 * documents as left out (devices not modelled, the random seeds).
 */
class VirtDeviceTreeQemuTest {
    static final String QEMU = "qemu-system-aarch64";
    /** QEMU's nodes that are left out on purpose, by name without the unit address. */
    static final Set<String> LEFT_OUT = Set.of("/platform-bus", "/fw-cfg", "/virtio_mmio", "/gpio-keys", "/pl061", "/pcie",
            "/pl031", "/pmu", "/flash", "/intc@8000000/v2m");
    /** QEMU's properties that are left out on purpose. */
    static final Set<String> LEFT_OUT_PROPERTIES = Set.of("/chosen:rng-seed", "/chosen:kaslr-seed");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "-m {0} -append \"{1}\" initrd {2} bytes")
    @CsvSource({"128, console=ttyAMA0 root=/dev/ram, 100000", "256, '', 0", "64, x, 1", "1024, '', 5000"})
    void ourTreeIsQemusMinusWhatIsNotModelled(int mib, String append, int initrdBytes) throws Exception {
        ExternalTools.require(QEMU + " (apt-get install qemu-system-arm)", ExternalTools.missing(QEMU));
        Path image = dir.resolve("Image");
        Files.write(image, KernelBootTest.image(4096, 0, 0x10000, 0));
        Path initrd = dir.resolve("initrd");
        Files.write(initrd, new byte[initrdBytes]);
        Path dump = dir.resolve("qemu.dtb");
        List<String> cmd = new ArrayList<>(List.of(QEMU, "-M", "virt,dumpdtb=" + dump, "-cpu", "cortex-a53", "-m", Integer.toString(mib),
                "-display", "none", "-nic", "none", "-kernel", image.toString()));
        if (!append.isEmpty()) {
            cmd.addAll(List.of("-append", append));
        }
        if (initrdBytes > 0) {
            cmd.addAll(List.of("-initrd", initrd.toString()));
        }
        ExternalTools.Result r = ExternalTools.run(60, cmd.toArray(String[]::new));
        assertTrue(Files.exists(dump), "QEMU wrote no DTB: " + r.output());
        FdtReader.Node qemu = FdtReader.parse(Files.readAllBytes(dump)).root();

        Machine m = new Machine((long) mib << 20, b -> { }, b -> { }, b -> { });
        KernelBoot.Boot boot = KernelBoot.load(m, Files.readAllBytes(image), initrdBytes > 0 ? new byte[initrdBytes] : null, append, false);
        FdtReader.Node ours = KernelBootTest.dtb(m, boot);

        Set<String> extra = new TreeSet<>();
        compare("", ours, qemu, extra);
        Set<String> unexpected = new TreeSet<>();
        for (String e : extra) {
            String base = e.contains(":") ? e : e.replaceAll("@[0-9a-f]+$", "");
            if (!LEFT_OUT.contains(base) && !LEFT_OUT_PROPERTIES.contains(e)) {
                unexpected.add(e);
            }
        }
        assertEquals(Set.of(), unexpected, "in QEMU's tree and not in ours, and not documented as left out");
    }

    /** Ours must be a part of QEMU's; what QEMU has beyond it goes to {@code extra} as paths or path:property. */
    private static void compare(String path, FdtReader.Node ours, FdtReader.Node qemu, Set<String> extra) {
        String here = path.isEmpty() ? "/" : path;
        List<String> qemuProps = new ArrayList<>(qemu.properties().keySet());
        for (String p : qemuProps) {
            if (!ours.properties().containsKey(p)) {
                extra.add(here + ":" + p);
            }
        }
        List<String> ourProps = new ArrayList<>(ours.properties().keySet());
        qemuProps.retainAll(ourProps);
        assertEquals(qemuProps, ourProps, "the properties of " + here + " and their order");
        for (String p : ourProps) {
            assertArrayEquals(qemu.properties().get(p), ours.properties().get(p), here + ":" + p);
        }
        List<String> qemuKids = new ArrayList<>();
        for (FdtReader.Node q : qemu.children()) {
            if (ours.child(q.name()) == null) {
                extra.add(path + "/" + q.name());
            } else {
                qemuKids.add(q.name());
            }
        }
        assertEquals(qemuKids, ours.children().stream().map(FdtReader.Node::name).toList(), "the subnodes of " + here + " and their order");
        for (FdtReader.Node o : ours.children()) {
            FdtReader.Node q = qemu.child(o.name());
            assertNotNull(q, path + "/" + o.name() + " is not in QEMU's tree");
            compare(path + "/" + o.name(), o, q, extra);
        }
    }
}
