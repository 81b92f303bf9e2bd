package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GdbCommandTest {
    static final long ENTRY = 0x4008_0000L;

    @TempDir
    Path dir;

    /** The smallest loadable image: one PT_LOAD segment holding {@code b .}. */
    static byte[] spinImage() {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 183).putInt(1);      // ET_EXEC, EM_AARCH64, EV_CURRENT
        b.putLong(ENTRY).putLong(64).putLong(0).putInt(0);          // entry, phoff, shoff, flags
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(120).putLong(ENTRY).putLong(ENTRY).putLong(4).putLong(4).putLong(4);
        b.putInt(0x1400_0000);                                      // b .
        return b.array();
    }

    int run(ByteArrayOutputStream err, String... args) throws Exception {
        return RunCommandTest.run(err, args);
    }

    @Test
    void itWaitsForGdbOnThePortItPrintsAndEndsWhenKilled() throws Exception {
        Path elf = dir.resolve("spin.elf");
        Files.write(elf, spinImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> LevitateCommand.run(
                new String[] {"gdb", elf.toString(), "--port", "0"}, new PrintStream(OutputStream.nullOutputStream()), errStream));
        Pattern waiting = Pattern.compile("Waiting for GDB on localhost:(\\d+) \u2014 in gdb-multiarch: target remote :(\\d+)");
        Matcher m;
        while (!(m = waiting.matcher(err.toString(StandardCharsets.UTF_8))).find()) {
            Thread.sleep(20);
        }
        assertEquals(m.group(1), m.group(2));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)))) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("$?#3f".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("+$S05#b8", new String(in.readNBytes(8), StandardCharsets.US_ASCII));
            out.write("+$k#6b".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals('+', in.read());
        }
        assertEquals(0, status.get(20, TimeUnit.SECONDS));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("session ended: killed"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadImageOrABusyPortIsAClearError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.BAD_IMAGE, run(err, "gdb", "/no/such.elf"));
        Path bad = dir.resolve("bad.elf");
        Files.write(bad, new byte[] {1, 2, 3});
        assertEquals(RunCommand.BAD_IMAGE, run(err, "gdb", bad.toString()));
        Path elf = dir.resolve("spin.elf");
        Files.write(elf, spinImage());
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(GdbCommand.NO_PORT, run(err, "gdb", elf.toString(), "--port", Integer.toString(busy.getLocalPort())));
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("no such file"), text);
        assertTrue(text.contains("truncated"), text);
        assertTrue(text.contains("cannot listen on localhost:"), text);
    }

    /** Starts {@code levitate gdb} on a free port; returns its status future and the port it printed. */
    private static CompletableFuture<Integer> startGdb(Path elf, ByteArrayOutputStream err, int[] port, String... more) throws Exception {
        String[] args = new String[4 + more.length];
        args[0] = "gdb";
        args[1] = elf.toString();
        args[2] = "--port";
        args[3] = "0";
        System.arraycopy(more, 0, args, 4, more.length);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> LevitateCommand.run(args,
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        Pattern waiting = Pattern.compile("Waiting for GDB on localhost:(\\d+)");
        Matcher m;
        while (!(m = waiting.matcher(err.toString(StandardCharsets.UTF_8))).find()) {
            Thread.sleep(20);
        }
        port[0] = Integer.parseInt(m.group(1));
        return status;
    }

    /** Connects once the stub listens (it binds the port again after each session). */
    private static Socket connect(int port) throws Exception {
        for (int tries = 0; ; tries++) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (java.net.ConnectException refused) {
                if (tries > 2000) {
                    throw refused;
                }
                Thread.sleep(10);
            }
        }
    }

    private static void reset(Socket s) throws Exception {
        s.setSoLinger(true, 0);
        s.close();
    }

    @Test
    void aResetConnectionIsOneLineAndTheNextGdbIsServedLikeGdbserver() throws Exception {
        Path elf = dir.resolve("spin.elf");
        Files.write(elf, spinImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String text;
        try {
            int[] port = new int[1];
            CompletableFuture<Integer> status = startGdb(elf, err, port);
            Socket first = connect(port[0]);
            first.getOutputStream().write("$m40080000,".getBytes(StandardCharsets.US_ASCII)); // inside a packet
            first.getOutputStream().flush();
            reset(first);
            while (!err.toString(StandardCharsets.UTF_8).contains("again (--once to exit instead)")) {
                Thread.sleep(20); // the stub took the reset: it listens again (one debugger at a time)
            }
            try (Socket s = connect(port[0])) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("$?#3f".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("+$S05#b8", new String(in.readNBytes(8), StandardCharsets.US_ASCII), "the second GDB is served");
                out.write("+$k#6b".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals('+', in.read());
            }
            assertEquals(0, status.get(20, TimeUnit.SECONDS));
        } finally {
            System.setErr(saved);
            text = err.toString(StandardCharsets.UTF_8);
        }
        assertTrue(text.contains("levitate gdb: the connection failed: ") && text.contains("waiting for GDB on localhost:"), text);
        assertTrue(text.contains("session ended: killed"), text);
        assertTrue(!text.contains("Exception") && !text.contains("\tat "), "no stack trace: " + text);
    }

    @Test
    void withOnceADroppedConnectionEndsTheCommandWithStatusZero() throws Exception {
        Path elf = dir.resolve("spin.elf");
        Files.write(elf, spinImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String text;
        try {
            int[] port = new int[1];
            CompletableFuture<Integer> status = startGdb(elf, err, port, "--once");
            Socket s = connect(port[0]);
            s.getOutputStream().write("$c#63".getBytes(StandardCharsets.US_ASCII)); // the guest runs (b .)
            s.getOutputStream().flush();
            assertEquals('+', s.getInputStream().read());
            reset(s);
            assertEquals(0, status.get(20, TimeUnit.SECONDS));
        } finally {
            System.setErr(saved);
            text = err.toString(StandardCharsets.UTF_8);
        }
        assertTrue(text.contains("session ended: disconnected"), text);
        assertTrue(!text.contains("Exception") && !text.contains("\tat "), "no stack trace: " + text);
    }
}
