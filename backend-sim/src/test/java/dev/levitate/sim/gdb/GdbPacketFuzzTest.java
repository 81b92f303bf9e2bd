package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile debuggers against one stub over real sockets: bad checksums, oversized and endless
 * payloads, binary garbage, run-length markers, unknown commands, {@code m M X Z z c s p P G}
 * with extreme addresses and lengths, interrupts, and connections reset (RST) or closed at random
 * points — before a reply, inside a packet, while the guest runs. Each input is a {@link GdbScript}
 * of one or two connections; after each, no exception has left {@link GdbStub#serve()} and a new
 * debugger is served. Inputs: {@value #BASE_INPUTS} x {@code levitate.fuzz.scale}, seeds {@value
 * #FIRST_SEED} onwards. A failure prints the seed and the script; keep it under {@code
 * src/test/resources/fuzz-regressions/gdb/} ({@link GdbFuzzRegressionsTest} replays it).
 */
@Tag("fuzz")
class GdbPacketFuzzTest {
    static final int BASE_INPUTS = 150;
    static final long FIRST_SEED = 0x16_0500L;

    private static final String[] HEADS = {"m", "M", "X", "Z0,", "Z1,", "Z2,", "Z3,", "z0,", "z2,", "c", "s", "p", "P", "G", "g", "?",
        "H", "T", "qSupported", "qXfer:features:read:target.xml:", "QStartNoAckMode", "vCont;c", "vMustReplyEmpty", "!", "x", "Q", "q",
        "D", "k", "vKill;1", "Z4,", "z3,", "z4,", "vCont;s", "vCont?", "vCont;c:", "qRcmd,", "qRcmd,746c62",
        "qRcmd,706167657461626c65207474627231", "qRcmd,70687973206f6e"};
    private static final long[] ADDRESSES = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0x4000_0000L, 0x4000_0000L - 1, 0x4000_0000L + 16,
        0x4000_0000L + (4L << 20) - 1, 0x4000_0000L + (4L << 20), 0xFFFF_FFFFL, 1L << 32, 1L << 48,
        0xFFFF_0000_4000_0000L, 0xFFFF_FFFF_FFFF_F000L};
    private static final long[] LENGTHS = {0, 1, 2, 8, 4096, 4097, 0x4000, 0x7FFF_FFFFL, 0x8000_0000L, -1, Long.MAX_VALUE, 1L << 32};

    static GdbScript generate(long seed) {
        Random r = new Random(seed);
        GdbScript s = new GdbScript().connect();
        int connections = 1 + r.nextInt(2);
        for (int c = 0; c < connections; c++) {
            if (c > 0) {
                s.connect();
            }
            int packets = 1 + r.nextInt(12);
            for (int i = 0; i < packets; i++) {
                int kind = r.nextInt(100);
                if (kind < 8) { // drop the connection here, maybe inside a packet
                    if (r.nextBoolean()) {
                        byte[] f = GdbScript.frame(payload(r));
                        s.send(java.util.Arrays.copyOf(f, r.nextInt(f.length)));
                    }
                    if (r.nextInt(3) > 0) {
                        s.reset();
                    } else {
                        s.close();
                    }
                    break;
                } else if (kind < 14) { // binary garbage, no frame
                    byte[] g = new byte[1 + r.nextInt(64)];
                    r.nextBytes(g);
                    s.send(g);
                } else if (kind < 20) { // a bad checksum
                    byte[] f = GdbScript.frame(payload(r));
                    f[f.length - 1] = (byte) (f[f.length - 1] == '0' ? '1' : r.nextBoolean() ? '0' : 'z');
                    s.send(f).await();
                } else if (kind < 23) { // an oversized payload
                    byte[] big = new byte[PacketChannel.MAX_PACKET + 1 + r.nextInt(4096)];
                    java.util.Arrays.fill(big, (byte) 'a');
                    s.send(GdbScript.frame(big)).await();
                } else if (kind < 28) { // a Ctrl-C
                    s.send(new byte[] {PacketChannel.INTERRUPT});
                } else if (kind < 32) { // run-length markers and escapes as a debugger never sends them
                    s.send(GdbScript.frame(("m4000" + "0*" + (char) (29 + r.nextInt(60)) + ",4").replace("#", "}\u0003").replace("$", "}\u0004").getBytes(StandardCharsets.ISO_8859_1))).await();
                } else {
                    s.send(GdbScript.frame(payload(r))).await();
                }
            }
            if (r.nextInt(4) == 0) {
                s.reset();
            }
        }
        return s;
    }

    /** A payload with a head from {@link #HEADS} and extreme or random arguments, escaped. */
    static byte[] payload(Random r) {
        StringBuilder p = new StringBuilder(HEADS[r.nextInt(HEADS.length)]);
        int shape = r.nextInt(4);
        if (shape == 0) {
            p.append(hex(pick(r, ADDRESSES))).append(',').append(hex(pick(r, LENGTHS)));
        } else if (shape == 1) {
            p.append(hex(pick(r, ADDRESSES))).append(',').append(hex(pick(r, LENGTHS))).append(':');
            for (int n = r.nextInt(40); n > 0; n--) {
                p.append((char) r.nextInt(256));
            }
        } else if (shape == 2) {
            p.append(Long.toHexString(0x4000_0000L + r.nextInt(64))).append(',').append(Integer.toHexString(1 + r.nextInt(16)));
        } else {
            for (int n = r.nextInt(24); n > 0; n--) {
                p.append((char) r.nextInt(256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : p.toString().getBytes(StandardCharsets.ISO_8859_1)) {
            if (b == '$' || b == '#' || b == '}') {
                out.write('}');
                out.write(b ^ 0x20);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static long pick(Random r, long[] values) {
        return r.nextInt(5) == 0 ? r.nextLong() : values[r.nextInt(values.length)];
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }

    @Test
    @Timeout(600)
    void hostileDebuggersNeverStopTheStub() throws Exception {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        try (GdbScript.Harness h = new GdbScript.Harness()) {
            for (int i = 0; i < inputs; i++) {
                long seed = FIRST_SEED + i;
                GdbScript script = generate(seed);
                String broken = h.run(script);
                if (broken != null) {
                    fail("seed " + seed + ": " + broken + "\nscript:\n" + script);
                }
            }
            System.out.println("GdbPacketFuzzTest: " + inputs + " hostile scripts, " + h.endings.size() + " sessions served, 0 failures");
        }
    }
}
