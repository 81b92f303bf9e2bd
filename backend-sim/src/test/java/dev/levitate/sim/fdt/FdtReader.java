package dev.levitate.sim.fdt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only reader of flattened devicetree blobs, written from the Devicetree Specification
 * v0.4 chapter 5 independently of {@link FdtWriter}: it checks the header, the block offsets and
 * alignment, every token, and that the blob ends where its header says.
 */
public final class FdtReader {
    /** A node: its name, its properties in blob order, its subnodes in blob order. */
    public record Node(String name, Map<String, byte[]> properties, List<Node> children) {
        /** The subnode with this name, or null. */
        public Node child(String n) {
            return children.stream().filter(c -> c.name.equals(n)).findFirst().orElse(null);
        }

        /** The node at a path below this one ("cpus/cpu@0"), or null. */
        public Node at(String path) {
            Node n = this;
            for (String part : path.split("/")) {
                if (!part.isEmpty()) {
                    n = n == null ? null : n.child(part);
                }
            }
            return n;
        }

        /** A property's value as 32-bit big-endian cells. */
        public long[] cells(String prop) {
            byte[] v = properties.get(prop);
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN);
            long[] out = new long[v.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = Integer.toUnsignedLong(b.getInt());
            }
            return out;
        }

        /** A property's value as a list of NUL-terminated strings. */
        public List<String> strings(String prop) {
            byte[] v = properties.get(prop);
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < v.length; i++) {
                if (v[i] == 0) {
                    out.add(new String(v, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start != v.length) {
                throw new IllegalArgumentException(prop + " is not NUL-terminated");
            }
            return out;
        }
    }

    /** A parsed blob: the header fields that matter and the tree. */
    public record Blob(int version, int lastCompatibleVersion, int bootCpuId, List<long[]> reservations, Node root) {
    }

    private FdtReader() {
    }

    /**
     * Parses a blob.
     *
     * @throws IllegalArgumentException naming the first thing wrong
     */
    public static Blob parse(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        require(blob.length >= 40, "shorter than the header");
        require(b.getInt(0) == 0xD00DFEED, "bad magic");
        int total = b.getInt(4);
        int offStruct = b.getInt(8);
        int offStrings = b.getInt(12);
        int offRsv = b.getInt(16);
        int version = b.getInt(20);
        int lastComp = b.getInt(24);
        int boot = b.getInt(28);
        int sizeStrings = b.getInt(32);
        int sizeStruct = b.getInt(36);
        require(total <= blob.length, "totalsize past the end");
        require(offRsv % 8 == 0 && offRsv >= 40, "memory reservation block misaligned or inside the header");
        require(offStruct % 4 == 0 && offStruct + sizeStruct <= total, "structure block misplaced");
        require(offStrings + sizeStrings <= total, "strings block past totalsize");
        List<long[]> rsv = new ArrayList<>();
        for (int p = offRsv;; p += 16) {
            long a = b.getLong(p);
            long s = b.getLong(p + 16 - 8);
            if (a == 0 && s == 0) {
                require(p + 16 <= offStruct, "reservation block runs into the structure block");
                break;
            }
            rsv.add(new long[] {a, s});
        }
        int[] pos = {offStruct};
        require(b.getInt(pos[0]) == 1, "the structure block does not start with FDT_BEGIN_NODE");
        Node root = node(b, pos, offStrings, sizeStrings);
        while (b.getInt(pos[0]) == 4) {
            pos[0] += 4;
        }
        require(b.getInt(pos[0]) == 9, "no FDT_END after the root");
        require(pos[0] + 4 == offStruct + sizeStruct, "size_dt_struct does not end at FDT_END");
        return new Blob(version, lastComp, boot, rsv, root);
    }

    private static Node node(ByteBuffer b, int[] pos, int offStrings, int sizeStrings) {
        require(b.getInt(pos[0]) == 1, "expected FDT_BEGIN_NODE at " + pos[0]);
        pos[0] += 4;
        String name = cString(b, pos[0]);
        pos[0] = align(pos[0] + name.length() + 1);
        Map<String, byte[]> props = new LinkedHashMap<>();
        List<Node> kids = new ArrayList<>();
        while (true) {
            int token = b.getInt(pos[0]);
            if (token == 3) {
                require(kids.isEmpty(), "property after a subnode in " + name);
                int len = b.getInt(pos[0] + 4);
                int nameOff = b.getInt(pos[0] + 8);
                require(nameOff >= 0 && nameOff < sizeStrings, "property name offset outside the strings block");
                String pname = cString(b, offStrings + nameOff);
                byte[] v = new byte[len];
                b.get(pos[0] + 12, v);
                require(props.put(pname, v) == null, "duplicate property " + pname + " in " + name);
                pos[0] = align(pos[0] + 12 + len);
            } else if (token == 1) {
                kids.add(node(b, pos, offStrings, sizeStrings));
            } else if (token == 2) {
                pos[0] += 4;
                return new Node(name, props, kids);
            } else if (token == 4) {
                pos[0] += 4;
            } else {
                throw new IllegalArgumentException("bad token " + token + " at " + pos[0]);
            }
        }
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static int align(int p) {
        return (p + 3) & ~3;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("bad FDT: " + what);
        }
    }
}
