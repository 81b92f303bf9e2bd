package dev.levitate.sim.gdb;

import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.A64Assembler.Label;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One hostile debugger session as data, so that a fuzz input can be printed, kept and replayed:
 * connections, each a list of steps (raw bytes, waits for a reply, a reset or a close). Text
 * form, one step a line: {@code connect}, {@code send HEX}, {@code await}, {@code pause MS} (lets
 * the stub get going, for example into a running guest; it only places the next step), {@code
 * reset} (SO_LINGER 0 then close: the peer sees a RST), {@code close}; {@code #} starts a comment.
 *
 * <p>{@link Harness} runs scripts against one stub serving in a loop on its own thread and checks,
 * after each connection, that the stub still serves (a fresh connection gets a reply) and that no
 * exception left {@link GdbStub#serve()}.
 */
final class GdbScript {
    private final List<String> steps = new ArrayList<>();

    GdbScript connect() {
        steps.add("connect");
        return this;
    }

    GdbScript send(byte[] bytes) {
        steps.add("send " + HexFormat.of().formatHex(bytes));
        return this;
    }

    GdbScript await() {
        steps.add("await");
        return this;
    }

    GdbScript pause(int ms) {
        steps.add("pause " + ms);
        return this;
    }

    GdbScript reset() {
        steps.add("reset");
        return this;
    }

    GdbScript close() {
        steps.add("close");
        return this;
    }

    static GdbScript parse(String text) {
        GdbScript s = new GdbScript();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                s.steps.add(line);
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return String.join("\n", steps) + "\n";
    }

    /** An {@link RspClient}, once the stub listens again after the last session (it re-binds then). */
    static RspClient client(int port) throws IOException, InterruptedException {
        for (int waited = 0; ; waited += 10) {
            try {
                return new RspClient(port);
            } catch (java.net.ConnectException refused) {
                if (waited >= Connection.PATIENCE_MS) {
                    throw refused;
                }
                Thread.sleep(10);
            }
        }
    }

    /** A frame with the right checksum; the payload is sent as is (escape it first if needed). */
    static byte[] frame(byte[] payload) {
        int sum = 0;
        for (byte b : payload) {
            sum += b & 0xFF;
        }
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write('$');
        f.writeBytes(payload);
        f.writeBytes(String.format("#%02x", sum & 0xFF).getBytes(StandardCharsets.US_ASCII));
        return f.toByteArray();
    }

    static byte[] frame(String payload) {
        return frame(payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * A machine whose guest never stops by itself: it counts in x5 and stores the count to
     * {@link #DATA} forever, so continue needs Ctrl-C, a breakpoint or a watchpoint.
     */
    static Machine machine() {
        Machine m = new Machine(4L << 20, b -> { }, b -> { }, b -> { });
        A64Assembler a = new A64Assembler(Machine.RAM_BASE);
        Label loop = a.label();
        Label data = a.label();
        a.adr(3, data);
        a.bind(loop).addImm(5, 5, 1).str(5, 3, 0).b(loop);
        a.bind(data).word(0).word(0);
        m.loadRaw(Machine.RAM_BASE, a.assembleBytes());
        return m;
    }

    /** Where the guest of {@link #machine()} stores. */
    static final long DATA = Machine.RAM_BASE + 16;

    /** A stub serving one machine in a loop on its own thread; what left serve() is recorded. */
    static final class Harness implements AutoCloseable {
        final GdbStub stub;
        final List<Throwable> escaped = new CopyOnWriteArrayList<>();
        final List<GdbStub.Ending> endings = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stopping;

        Harness() throws IOException {
            stub = GdbStub.listen(machine(), 0);
            if (Boolean.getBoolean("levitate.gdb.fuzzLog")) { // -Dlevitate.gdb.fuzzLog=true: the packets on stderr
                stub.setLog(line -> System.err.println("stub " + line));
            }
            thread = new Thread(() -> {
                while (!stopping) {
                    try {
                        endings.add(stub.serve());
                    } catch (IOException e) {
                        if (!stopping) {
                            escaped.add(e);
                        }
                        return;
                    } catch (Throwable t) {
                        escaped.add(t);
                        return;
                    }
                }
            }, "gdb-stub-fuzz");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Runs a script and then checks that the stub still serves.
         *
         * @return null if every invariant held, or what broke
         */
        String run(GdbScript script) throws IOException, InterruptedException {
            Connection c = null;
            try {
                for (String step : script.steps) {
                    if (step.equals("connect")) {
                        if (c != null) {
                            c.close(false);
                        }
                        c = new Connection(stub.port());
                    } else if (c == null) {
                        continue;
                    } else if (step.startsWith("send ")) {
                        c.send(HexFormat.of().parseHex(step.substring(5)));
                    } else if (step.equals("await")) {
                        if (!c.awaitReply()) {
                            return "no reply, no nack and no close within " + Connection.PATIENCE_MS + " ms";
                        }
                    } else if (step.startsWith("pause ")) {
                        Thread.sleep(Long.parseLong(step.substring(6)));
                    } else if (step.equals("reset") || step.equals("close")) {
                        c.close(step.equals("reset"));
                        c = null;
                    } else {
                        throw new IllegalArgumentException("unknown step: " + step);
                    }
                }
            } catch (IOException e) {
                // the stub ended the session (k, D, vKill) and the socket is gone: that is allowed
            } finally {
                if (c != null) {
                    c.closeQuietly();
                }
            }
            if (!escaped.isEmpty()) {
                return "serve() threw " + escaped.get(0);
            }
            return stillServes();
        }

        /**
         * A fresh debugger is served: a unique query gets its exact reply. A connection that the
         * system resets before the stub accepted it (it was queued while the stub stopped
         * listening) is tried again, a few times.
         */
        String stillServes() throws InterruptedException {
            String expect = "m" + Registers.targetXml().substring(7, 12);
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                Connection c = null;
                try {
                    c = new Connection(stub.port());
                    c.send(frame("qXfer:features:read:target.xml:7,5"));
                    String got = c.awaitFrame(expect);
                    if (got == null && c.eof && c.received.length() == 0) {
                        last = new IOException("closed before the stub said anything");
                        continue; // reset while queued: try again
                    }
                    if (got == null) {
                        return "after the script, a new debugger got no reply to qXfer (thread alive: " + thread.isAlive() + ", escaped: "
                                + escaped + ")";
                    }
                    return escaped.isEmpty() ? null : "serve() threw " + escaped.get(0);
                } catch (IOException e) {
                    last = e;
                } finally {
                    if (c != null) {
                        c.closeQuietly();
                    }
                }
            }
            return "after the script, no new debugger could be served: " + last;
        }

        @Override
        public void close() throws Exception {
            stopping = true;
            stub.close();
            thread.join(10_000);
        }
    }

    /** One client connection; a reader thread drains everything the stub sends. */
    static final class Connection {
        static final int PATIENCE_MS = 20_000;
        private static final int POKE_MS = 20;
        private final Socket socket;
        private final OutputStream out;
        private final StringBuffer received = new StringBuffer();
        private volatile boolean eof;
        private int mark;

        Connection(int port) throws IOException, InterruptedException {
            socket = connect(port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (received) {
                            received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                            received.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // closed or reset by us or by the stub
                }
                synchronized (received) {
                    eof = true;
                    received.notifyAll();
                }
            }, "gdb-fuzz-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The stub listens again only after it noticed the last connection end: retry until then. */
        private static Socket connect(int port) throws IOException, InterruptedException {
            for (int waited = 0; ; waited += POKE_MS) {
                try {
                    return new Socket(InetAddress.getLoopbackAddress(), port);
                } catch (java.net.ConnectException refused) {
                    if (waited >= PATIENCE_MS) {
                        throw refused;
                    }
                    Thread.sleep(POKE_MS);
                }
            }
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Waits for '-', a complete reply frame or the end of the stream; pokes Ctrl-C while silent. */
        boolean awaitReply() throws IOException, InterruptedException {
            for (int waited = 0; waited < PATIENCE_MS; waited += POKE_MS) {
                String r = received.substring(mark);
                int nack = r.indexOf('-');
                int dollar = r.indexOf('$');
                if (nack >= 0 && (dollar < 0 || nack < dollar)) {
                    mark += nack + 1;
                    return true;
                }
                if (dollar >= 0) {
                    int hash = r.indexOf('#', dollar);
                    if (hash >= 0 && r.length() >= hash + 3) {
                        mark += hash + 3;
                        return true;
                    }
                }
                if (eof) {
                    return true;
                }
                pause();
                if (waited % (5 * POKE_MS) == 0) {
                    send(new byte[] {PacketChannel.INTERRUPT}); // a running guest answers a stop reply
                }
            }
            return false;
        }

        /** Waits for a frame carrying exactly {@code payload}; null if it never comes. */
        String awaitFrame(String payload) throws InterruptedException {
            String framed = new String(frame(payload), StandardCharsets.ISO_8859_1);
            for (int waited = 0; waited < PATIENCE_MS; waited += POKE_MS) {
                if (received.indexOf(framed) >= 0) {
                    return payload;
                }
                if (eof) {
                    return null;
                }
                pause();
            }
            return null;
        }

        /** Waits until more bytes arrive, the stream ends, or {@link #POKE_MS} pass. */
        private void pause() throws InterruptedException {
            synchronized (received) {
                received.wait(POKE_MS);
            }
        }

        void closeQuietly() {
            try {
                close(true);
            } catch (IOException e) {
                // already gone
            }
        }

        void close(boolean reset) throws IOException {
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
    }
}
