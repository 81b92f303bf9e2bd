package dev.levitate.sim.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a flattened devicetree blob, version 17 (last compatible version 16), as the Devicetree
 * Specification v0.4, chapter 5 lays it out: a 40-byte header, the memory reservation block
 * (8-byte aligned pairs of big-endian address and size, ended by a pair of zeros), the structure
 * block (the tokens {@code FDT_BEGIN_NODE}, {@code FDT_PROP}, {@code FDT_END_NODE} and
 * {@code FDT_END}, each big-endian and 4-byte aligned), and the strings block (each property name
 * once, NUL-terminated). Every number in the blob is big-endian.
 *
 * <p>The tree is written in order: {@link #beginNode} (the root's name is the empty string), its
 * properties, its subnodes, {@link #endNode}; then {@link #finish}. What the specification forbids
 * is refused with a clear exception and leaves the writer as it was: a node name that is not 1–31
 * characters of {@code [0-9a-zA-Z,._+-]} optionally followed by {@code @} and a unit address (§2.2.1),
 * a property name that is not 1–31 characters of {@code [0-9a-zA-Z,._+?#-]} (§2.2.4), a property
 * after a subnode of the same node (§5.4.2: a node's properties precede its subnodes), a name used
 * twice among siblings, a second root, a reservation after the first node, and an unbalanced tree.
 *
 * <p>Not thread-safe.
 */
public final class FdtWriter {
    /** The blob's magic number, big-endian at offset 0. */
    public static final int MAGIC = 0xD00D_FEED;
    /** The version written. */
    public static final int VERSION = 17;
    /** The lowest version this blob is compatible with. */
    public static final int LAST_COMPATIBLE_VERSION = 16;
    /** The header's size in bytes (version 17: ten 32-bit fields). */
    public static final int HEADER_SIZE = 40;
    /** Structure token: the start of a node, followed by its NUL-terminated name. */
    public static final int FDT_BEGIN_NODE = 1;
    /** Structure token: the end of a node. */
    public static final int FDT_END_NODE = 2;
    /** Structure token: a property (length, name offset, value). */
    public static final int FDT_PROP = 3;
    /** Structure token: the end of the structure block. */
    public static final int FDT_END = 9;
    /** The longest node or property name, without a unit address (§2.2.1, §2.2.4). */
    public static final int MAX_NAME = 31;

    private final ByteArrayOutputStream structure = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final List<long[]> reservations = new ArrayList<>();
    /** Per open node: the names of its properties and subnodes so far, and whether a subnode came. */
    private final Deque<Open> open = new ArrayDeque<>();
    private boolean rootWritten;
    private boolean finished;

    private static final class Open {
        final String path;
        final Set<String> properties = new HashSet<>();
        final Set<String> children = new HashSet<>();
        boolean hadChild;

        Open(String path) {
            this.path = path;
        }
    }

    /** Creates an empty writer. */
    public FdtWriter() {
    }

    /**
     * Adds a memory reservation (§5.3): a range the kernel must not use as ordinary memory.
     *
     * @param address the range's start
     * @param size its size, at least 1
     * @return this writer
     * @throws IllegalStateException if a node was already begun or the blob finished
     * @throws IllegalArgumentException if size is not positive or the range wraps past 2^64
     */
    public FdtWriter reserve(long address, long size) {
        checkNotFinished();
        if (rootWritten) {
            throw new IllegalStateException("memory reservations come before the structure block: reserve(0x"
                    + Long.toHexString(address) + ") after the root node was begun");
        }
        if (size <= 0 || Long.compareUnsigned(address, -size) > 0) {
            throw new IllegalArgumentException(String.format("reservation at 0x%x of size 0x%x is empty or wraps", address, size));
        }
        reservations.add(new long[] {address, size});
        return this;
    }

    /**
     * Begins a node: the root (name {@code ""}) first, then its subnodes, each closed by
     * {@link #endNode}.
     *
     * @param name the node name, {@code node-name[@unit-address]}
     * @return this writer
     * @throws IllegalArgumentException if the name is malformed or a sibling already has it
     * @throws IllegalStateException if a second root is begun or the blob is finished
     */
    public FdtWriter beginNode(String name) {
        checkNotFinished();
        if (open.isEmpty()) {
            if (rootWritten) {
                throw new IllegalStateException("a devicetree has one root: beginNode(\"" + name + "\") after the root was ended");
            }
            if (!name.isEmpty()) {
                throw new IllegalArgumentException("the root node's name is empty, not \"" + name + "\"");
            }
        } else {
            checkNodeName(name, open.peek().path);
            if (open.peek().children.contains(name)) {
                throw new IllegalArgumentException("node " + child(open.peek().path, name) + " is already in the tree");
            }
            open.peek().children.add(name);
            open.peek().hadChild = true;
        }
        rootWritten = true;
        token(FDT_BEGIN_NODE);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        structure.write(n, 0, n.length);
        structure.write(0);
        align(structure);
        open.push(new Open(open.isEmpty() ? "/" : child(open.peek().path, name)));
        return this;
    }

    /**
     * Ends the innermost open node.
     *
     * @return this writer
     * @throws IllegalStateException if no node is open
     */
    public FdtWriter endNode() {
        checkNotFinished();
        if (open.isEmpty()) {
            throw new IllegalStateException("endNode() with no node open");
        }
        open.pop();
        token(FDT_END_NODE);
        return this;
    }

    /**
     * Adds a property with a raw value to the innermost open node.
     *
     * @param name the property name
     * @param value its bytes (copied; empty for a property that is only present, as {@code ranges})
     * @return this writer
     * @throws IllegalArgumentException if the name is malformed or the node already has it
     * @throws IllegalStateException if no node is open, a subnode of it was already written, or the
     *     blob is finished
     */
    public FdtWriter property(String name, byte[] value) {
        checkNotFinished();
        if (open.isEmpty()) {
            throw new IllegalStateException("property \"" + name + "\" outside any node");
        }
        Open node = open.peek();
        checkPropertyName(name, node.path);
        if (node.hadChild) {
            throw new IllegalStateException("property \"" + name + "\" of " + node.path
                    + " after one of its subnodes: a node's properties precede its subnodes");
        }
        if (!node.properties.add(name)) {
            throw new IllegalArgumentException(node.path + " already has a property \"" + name + "\"");
        }
        token(FDT_PROP);
        token(value.length);
        token(stringOffset(name));
        structure.write(value, 0, value.length);
        align(structure);
        return this;
    }

    /**
     * Adds a property of 32-bit cells ({@code <u32 ...>}), each big-endian.
     *
     * @param name the property name
     * @param cells the values
     * @return this writer
     * @throws IllegalArgumentException as {@link #property(String, byte[])}
     * @throws IllegalStateException as {@link #property(String, byte[])}
     */
    public FdtWriter cells(String name, int... cells) {
        ByteBuffer b = ByteBuffer.allocate(4 * cells.length).order(ByteOrder.BIG_ENDIAN);
        for (int c : cells) {
            b.putInt(c);
        }
        return property(name, b.array());
    }

    /**
     * Adds a property that is a list of strings ({@code "a", "b"}: each NUL-terminated, one after
     * the other), or one string.
     *
     * @param name the property name
     * @param values the strings; none may contain NUL
     * @return this writer
     * @throws IllegalArgumentException as {@link #property(String, byte[])}, or if a string holds a NUL
     * @throws IllegalStateException as {@link #property(String, byte[])}
     */
    public FdtWriter strings(String name, String... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String v : values) {
            if (v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("property \"" + name + "\": a string may not contain NUL: " + v.replace("\0", "\\0"));
            }
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            b.write(bytes, 0, bytes.length);
            b.write(0);
        }
        return property(name, b.toByteArray());
    }

    /**
     * Adds an empty property (only its presence means something, e.g. {@code interrupt-controller}).
     *
     * @param name the property name
     * @return this writer
     * @throws IllegalArgumentException as {@link #property(String, byte[])}
     * @throws IllegalStateException as {@link #property(String, byte[])}
     */
    public FdtWriter empty(String name) {
        return property(name, new byte[0]);
    }

    /**
     * Assembles the blob. The writer cannot be used afterwards.
     *
     * @param bootCpuId the header's {@code boot_cpuid_phys}: the {@code reg} of the boot CPU's node
     * @return the blob
     * @throws IllegalStateException if no root was written, a node is still open, or it was already finished
     */
    public byte[] finish(int bootCpuId) {
        checkNotFinished();
        if (!rootWritten) {
            throw new IllegalStateException("no root node was written");
        }
        if (!open.isEmpty()) {
            throw new IllegalStateException("node " + open.peek().path + " is still open");
        }
        token(FDT_END);
        finished = true;
        int rsvOffset = HEADER_SIZE; // 8-byte aligned already
        int structOffset = rsvOffset + 16 * (reservations.size() + 1);
        int stringsOffset = structOffset + structure.size();
        int total = stringsOffset + strings.size();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC).putInt(total).putInt(structOffset).putInt(stringsOffset).putInt(rsvOffset)
                .putInt(VERSION).putInt(LAST_COMPATIBLE_VERSION).putInt(bootCpuId).putInt(strings.size()).putInt(structure.size());
        for (long[] r : reservations) {
            b.putLong(r[0]).putLong(r[1]);
        }
        b.putLong(0).putLong(0);
        b.put(structure.toByteArray()).put(strings.toByteArray());
        return b.array();
    }

    private void checkNotFinished() {
        if (finished) {
            throw new IllegalStateException("the blob was already finished");
        }
    }

    private int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int at = strings.size();
            byte[] bytes = n.getBytes(StandardCharsets.US_ASCII);
            strings.write(bytes, 0, bytes.length);
            strings.write(0);
            return at;
        });
    }

    private void token(int value) {
        structure.write(value >>> 24);
        structure.write(value >>> 16);
        structure.write(value >>> 8);
        structure.write(value);
    }

    private static void align(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private static String child(String parent, String name) {
        return parent.endsWith("/") ? parent + name : parent + "/" + name;
    }

    /** §2.2.1: node-name[@unit-address], the name 1..31 of [0-9a-zA-Z,._+-], the address of the same plus no '@'. */
    private static void checkNodeName(String name, String parent) {
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        String unit = at < 0 ? "" : name.substring(at + 1);
        boolean ok = !base.isEmpty() && base.length() <= MAX_NAME && Character.isLetter(base.charAt(0))
                && base.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || ",._+-".indexOf(c) >= 0))
                && (at < 0 || !unit.isEmpty() && unit.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || ",._+-".indexOf(c) >= 0)));
        if (!ok) {
            throw new IllegalArgumentException("bad node name \"" + name + "\" under " + parent
                    + ": 1-31 characters of [0-9a-zA-Z,._+-] starting with a letter, optionally @unit-address");
        }
    }

    /** §2.2.4: 1..31 of [0-9a-zA-Z,._+?#-]. */
    private static void checkPropertyName(String name, String node) {
        boolean ok = !name.isEmpty() && name.length() <= MAX_NAME
                && name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || ",._+?#-".indexOf(c) >= 0));
        if (!ok) {
            throw new IllegalArgumentException("bad property name \"" + name + "\" in " + node + ": 1-31 characters of [0-9a-zA-Z,._+?#-]");
        }
    }
}
