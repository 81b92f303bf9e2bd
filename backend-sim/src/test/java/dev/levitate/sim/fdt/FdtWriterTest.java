package dev.levitate.sim.fdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FDT writer against the specification (through a separate reader) and against {@code dtc}. */
class FdtWriterTest {
    @TempDir
    Path dir;

    static byte[] sample() {
        return new FdtWriter().reserve(0x4800_0000L, 0x1000)
                .beginNode("").cells("#address-cells", 2).cells("#size-cells", 2).strings("compatible", "linux,dummy-virt")
                .beginNode("memory@40000000").strings("device_type", "memory").cells("reg", 0, 0x4000_0000, 0, 0x0800_0000).endNode()
                .beginNode("intc@8000000").empty("interrupt-controller").cells("#interrupt-cells", 3).endNode()
                .beginNode("chosen").strings("bootargs", "console=ttyAMA0 root=/dev/ram").strings("list", "a", "bc", "").endNode()
                .endNode().finish(0);
    }

    @Test
    void aTreeReadsBackWithTheHeaderTheSpecificationAsksFor() {
        byte[] blob = sample();
        FdtReader.Blob b = FdtReader.parse(blob);
        assertEquals(17, b.version());
        assertEquals(16, b.lastCompatibleVersion());
        assertEquals(0, b.bootCpuId());
        assertEquals(1, b.reservations().size());
        assertArrayEquals(new long[] {0x4800_0000L, 0x1000}, b.reservations().get(0));
        assertEquals(blob.length, java.nio.ByteBuffer.wrap(blob).getInt(4), "totalsize is the whole blob");
        FdtReader.Node root = b.root();
        assertEquals(List.of("#address-cells", "#size-cells", "compatible"), new ArrayList<>(root.properties().keySet()));
        assertArrayEquals(new long[] {0, 0x4000_0000L, 0, 0x0800_0000L}, root.at("memory@40000000").cells("reg"));
        assertEquals(0, root.at("intc@8000000").properties().get("interrupt-controller").length);
        assertEquals(List.of("console=ttyAMA0 root=/dev/ram"), root.at("chosen").strings("bootargs"));
        assertEquals(List.of("a", "bc", ""), root.at("chosen").strings("list"));
        assertEquals(List.of("memory@40000000", "intc@8000000", "chosen"), root.children().stream().map(FdtReader.Node::name).toList());
    }

    @Test
    void dtcReadsItAsTheSameTree() throws Exception {
        ExternalTools.require("dtc (apt-get install device-tree-compiler)", ExternalTools.missing("dtc"));
        Path blob = dir.resolve("t.dtb");
        Files.write(blob, sample());
        ExternalTools.Result r = ExternalTools.run(30, "dtc", "-q", "-I", "dtb", "-O", "dts", blob.toString());
        assertEquals(0, r.status(), r.output());
        assertEquals("/dts-v1/;\n\n/memreserve/\t0x0000000048000000 0x0000000000001000;\n/ {\n"
                + "\t#address-cells = <0x02>;\n\t#size-cells = <0x02>;\n\tcompatible = \"linux,dummy-virt\";\n\n"
                + "\tmemory@40000000 {\n\t\tdevice_type = \"memory\";\n\t\treg = <0x00 0x40000000 0x00 0x8000000>;\n\t};\n\n"
                + "\tintc@8000000 {\n\t\tinterrupt-controller;\n\t\t#interrupt-cells = <0x03>;\n\t};\n\n"
                + "\tchosen {\n\t\tbootargs = \"console=ttyAMA0 root=/dev/ram\";\n\t\tlist = \"a\\0bc\\0\";\n\t};\n};\n", r.output());
        // and compiles the text back to the same blob
        Path dts = dir.resolve("t.dts");
        Files.writeString(dts, r.output());
        Path again = dir.resolve("again.dtb");
        ExternalTools.Result c = ExternalTools.run(30, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", again.toString(), dts.toString());
        assertEquals(0, c.status(), c.output());
        assertEquals(FdtReader.parse(sample()).root().toString().length() > 0, true);
        assertTreesEqual(FdtReader.parse(sample()).root(), FdtReader.parse(Files.readAllBytes(again)).root());
    }

    static void assertTreesEqual(FdtReader.Node a, FdtReader.Node b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.properties().keySet(), b.properties().keySet(), a.name());
        for (String k : a.properties().keySet()) {
            assertArrayEquals(a.properties().get(k), b.properties().get(k), a.name() + " " + k);
        }
        assertEquals(a.children().size(), b.children().size(), a.name());
        for (int i = 0; i < a.children().size(); i++) {
            assertTreesEqual(a.children().get(i), b.children().get(i));
        }
    }

    @Test
    void whatTheSpecificationForbidsIsRefusedAndChangesNothing() {
        FdtWriter w = new FdtWriter().beginNode("").cells("a", 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.beginNode("1abc")).getMessage().contains("\"1abc\" under /"));
        assertThrows(IllegalArgumentException.class, () -> w.beginNode("a-name-that-is-much-longer-than-31"));
        assertThrows(IllegalArgumentException.class, () -> w.beginNode("uart@"));
        assertThrows(IllegalArgumentException.class, () -> w.beginNode("x y"));
        assertThrows(IllegalArgumentException.class, () -> w.cells("bad name", 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.cells("a", 2)).getMessage().contains("/ already has a property \"a\""));
        assertThrows(IllegalArgumentException.class, () -> w.strings("s", "nul\0inside"));
        w.beginNode("n@1").endNode();
        assertThrows(IllegalArgumentException.class, () -> w.beginNode("n@1"), "sibling names are unique");
        assertTrue(assertThrows(IllegalStateException.class, () -> w.cells("late", 1)).getMessage().contains("after one of its subnodes"));
        assertThrows(IllegalStateException.class, () -> w.reserve(0, 1), "reservations come first");
        assertThrows(IllegalStateException.class, () -> w.finish(0), "the root is open");
        w.endNode();
        assertThrows(IllegalStateException.class, w::endNode);
        assertThrows(IllegalStateException.class, () -> w.beginNode(""), "one root");
        byte[] blob = w.finish(0);
        // every refusal left nothing behind: the same as the calls that succeeded, alone
        assertArrayEquals(new FdtWriter().beginNode("").cells("a", 1).beginNode("n@1").endNode().endNode().finish(0), blob);
        assertThrows(IllegalStateException.class, () -> w.finish(0));
        assertThrows(IllegalArgumentException.class, () -> new FdtWriter().reserve(-4096, 8192), "wraps");
        assertThrows(IllegalArgumentException.class, () -> new FdtWriter().beginNode("root"));
    }

    /** A tree for the property: names, raw values, subnodes. */
    record Tree(String name, Map<String, byte[]> props, List<Tree> kids) {
        void write(FdtWriter w) {
            w.beginNode(name);
            props.forEach(w::property);
            kids.forEach(k -> k.write(w));
            w.endNode();
        }

        void check(FdtReader.Node n) {
            assertEquals(name, n.name());
            assertEquals(new ArrayList<>(props.keySet()), new ArrayList<>(n.properties().keySet()));
            props.forEach((k, v) -> assertArrayEquals(v, n.properties().get(k), k));
            assertEquals(kids.size(), n.children().size());
            for (int i = 0; i < kids.size(); i++) {
                kids.get(i).check(n.children().get(i));
            }
        }
    }

    @Provide
    Arbitrary<Tree> trees() {
        return tree(3, "");
    }

    private Arbitrary<Tree> tree(int depth, String fixedName) {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcxyz019,._+-").ofMinLength(0).ofMaxLength(8).map(s -> "n" + s);
        Arbitrary<Map<String, byte[]>> props = Arbitraries.maps(
                Arbitraries.strings().withChars("abcz09,._+?#-").ofMinLength(1).ofMaxLength(31),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(13)).ofMaxSize(4).map(LinkedHashMap::new);
        Arbitrary<List<Tree>> kids = depth == 0 ? Arbitraries.just(List.of())
                : tree(depth - 1, null).list().ofMaxSize(3).uniqueElements(Tree::name);
        Arbitrary<String> name = fixedName != null ? Arbitraries.just(fixedName) : names;
        return net.jqwik.api.Combinators.combine(name, props, kids).as(Tree::new);
    }

    @Property(tries = 300, seed = "20")
    void everyTreeReadsBackAsWritten(@ForAll("trees") Tree t, @ForAll int bootCpu) {
        FdtWriter w = new FdtWriter();
        t.write(w);
        FdtReader.Blob b = FdtReader.parse(w.finish(bootCpu));
        assertEquals(bootCpu, b.bootCpuId());
        t.check(b.root());
    }
}
