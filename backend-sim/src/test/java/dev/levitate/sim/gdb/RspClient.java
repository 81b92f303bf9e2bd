package dev.levitate.sim.gdb;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A tiny hand-written remote-serial-protocol client: just enough to drive the stub in tests. */
final class RspClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean acks = true;

    RspClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000); // a hang fails the test instead of blocking it forever
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static String frame(String payload) {
        int sum = 0;
        for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) {
            sum += b & 0xFF;
        }
        return "$" + payload + "#" + String.format("%02x", sum & 0xFF);
    }

    /** Sends a packet, expects '+' (unless acks are off), and returns the reply. */
    String ask(String payload) throws IOException {
        sendRaw(frame(payload));
        if (acks) {
            int ack = read();
            if (ack != '+') {
                throw new IOException("expected '+', got '" + (char) ack + "'");
            }
        }
        return reply();
    }

    /** Sends a packet that gets no reply (k, c while the test interrupts it). */
    void post(String payload) throws IOException {
        sendRaw(frame(payload));
    }

    void sendRaw(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void sendByte(int b) throws IOException {
        out.write(b);
        out.flush();
    }

    int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the stub closed the connection");
        }
        return b;
    }

    /** Reads one reply packet, checks its checksum, and acknowledges it. */
    String reply() throws IOException {
        int b;
        while ((b = read()) != '$') {
            if (b != '+') {
                throw new IOException("unexpected byte before a reply: " + b);
            }
        }
        StringBuilder sb = new StringBuilder();
        int sum = 0;
        while ((b = read()) != '#') {
            sb.append((char) b);
            sum += b;
        }
        int cs = Integer.parseInt("" + (char) read() + (char) read(), 16);
        if (cs != (sum & 0xFF)) {
            throw new IOException("bad checksum on reply " + sb);
        }
        if (acks) {
            sendByte('+');
        }
        return sb.toString();
    }

    void noAcks() {
        acks = false;
    }

    /** True once the stub has closed its end. */
    boolean closedByStub() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
