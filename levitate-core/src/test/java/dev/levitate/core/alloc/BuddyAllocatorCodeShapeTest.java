package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guards a performance property that no functional test sees: {@code BuddyAllocator.allocateSlow}
 * and {@code freeSlow} (splits, merges, other regions, refusals) must stay larger than C2's
 * {@code FreqInlineSize} (325 bytecodes by default), so that C2 compiles them on their own and
 * never inlines them into {@code tryAllocate} and {@code free}, and from there into the caller's
 * loop: inlined, their loops cost the mixed workload 20-25% (docs/benchmarks.md, 2026-12-02).
 * The hot paths themselves must stay small enough to be inlined. Reads the bytecode lengths from
 * the class file.
 */
class BuddyAllocatorCodeShapeTest {
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void slowPathsAreTooBigForC2ToInline() throws IOException {
        Map<String, Integer> sizes = codeSizes();
        for (String m : new String[] {"allocateSlow", "freeSlow"}) {
            int n = sizes.getOrDefault(m, -1);
            assertTrue(n > FREQ_INLINE_SIZE, m + " has " + n + " bytes of bytecode; it must stay above "
                    + FREQ_INLINE_SIZE + " so that C2 never inlines it into the hot path");
        }
    }

    @Test
    void hotPathsAreSmallEnoughToInline() throws IOException {
        Map<String, Integer> sizes = codeSizes();
        for (String m : new String[] {"tryAllocate", "free"}) {
            int n = sizes.getOrDefault(m, -1);
            assertTrue(n > 0 && n <= FREQ_INLINE_SIZE, m + " has " + n + " bytes of bytecode; it must stay at most "
                    + FREQ_INLINE_SIZE + " so that C2 inlines it into hot callers");
        }
    }

    /** Bytecode length of each method of BuddyAllocator, by name (the last overload wins). */
    private static Map<String, Integer> codeSizes() throws IOException {
        try (InputStream raw = BuddyAllocator.class.getResourceAsStream("BuddyAllocator.class");
                DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int cpCount = in.readUnsignedShort();
            String[] utf8 = new String[cpCount];
            for (int i = 1; i < cpCount; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // a long or double takes two slots
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            in.skipBytes(6); // access, this, super
            in.skipBytes(2 * in.readUnsignedShort()); // interfaces
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipBytes(6);
                skipAttributes(in);
            }
            Map<String, Integer> sizes = new HashMap<>();
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.readUnsignedShort(); // access
                String name = utf8[in.readUnsignedShort()];
                in.readUnsignedShort(); // descriptor
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (attribute.equals("Code")) {
                        in.skipBytes(4); // max_stack, max_locals
                        int codeLength = in.readInt();
                        sizes.put(name, codeLength);
                        in.skipBytes(length - 8);
                    } else {
                        in.skipBytes(length);
                    }
                }
            }
            return sizes;
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
