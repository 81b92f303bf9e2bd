package dev.levitate.sim.gdb;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The packet layer of the remote serial protocol over one socket.
 *
 * <h2>Framing</h2>
 * <pre>
 *   $ payload # c1 c2      c1c2 = sum of the payload's bytes as sent, modulo 256, in hex
 *   +  /  -                the receiver's acknowledgement: good / send it again
 *   0x03                   outside a packet: the debugger's interrupt (Ctrl-C)
 *   } x                    inside a payload: the byte x ^ 0x20 ('$', '#', '}' and '*' are sent so)
 * </pre>
 *
 * <h2>Receiving</h2>
 * <ol>
 *   <li>Skip bytes until '$' (stray acks and noise are ignored; an interrupt is remembered).</li>
 *   <li>Collect the payload up to '#', undoing escapes, summing the bytes as sent. A payload
 *       longer than {@link #MAX_PACKET} is read to its end but not kept.</li>
 *   <li>Read the two checksum digits. A mismatch, bad digits or an oversized payload: send '-'
 *       and go back to 1. Otherwise send '+' (until no-ack mode) and return the payload.</li>
 * </ol>
 * In no-ack mode ({@code QStartNoAckMode}) neither side sends acknowledgements; a corrupt packet
 * is then dropped silently, as the protocol says.
 *
 * <p>Not thread-safe: the stub's thread owns it.
 */
final class PacketChannel {
    /** The largest payload accepted or sent, advertised as {@code PacketSize} (hex). */
    static final int MAX_PACKET = 0x4000;
    /** The interrupt byte GDB sends for Ctrl-C. */
    static final int INTERRUPT = 0x03;
    /** How many times a reply is sent again after a '-' before giving up on it. */
    private static final int MAX_RETRANSMITS = 8;
    /** How long the end-of-stream probe waits for a byte. */
    private static final int PROBE_TIMEOUT_MS = 1;

    private final Socket socket;
    private final PushbackInputStream in;
    private final OutputStream out;
    private boolean ackMode = true;
    private boolean interrupted;

    /**
     * Wraps a connected socket.
     *
     * @param socket the connection to the debugger
     * @throws IOException if its streams cannot be opened
     */
    PacketChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new PushbackInputStream(new BufferedInputStream(socket.getInputStream()), 1);
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Stops sending and expecting acknowledgements (after the reply to QStartNoAckMode). */
    void disableAcks() {
        ackMode = false;
    }

    /**
     * Waits for the next well-formed packet; acknowledges it and rejects bad ones on the way.
     *
     * @return the payload with escapes undone, or null when the debugger closed the connection
     * @throws IOException if the socket fails
     */
    byte[] receive() throws IOException {
        try {
            for (;;) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (b == INTERRUPT) {
                    interrupted = true;
                } else if (b == '$') {
                    byte[] payload = readPayload();
                    if (payload != null) {
                        if (ackMode) {
                            sendRaw('+');
                        }
                        return payload;
                    }
                    if (ackMode) {
                        sendRaw('-');
                    }
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    /** Reads after '$' through the checksum; null if the packet is bad. */
    private byte[] readPayload() throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int sum = 0;
        boolean oversized = false;
        boolean escaped = false;
        for (;;) {
            int b = readOrEof();
            if (b == '#' && !escaped) {
                break;
            }
            if (b == '$' && !escaped) { // a new packet began: the debugger gave up on this one
                payload.reset();
                sum = 0;
                oversized = false;
                continue;
            }
            sum += b;
            if (escaped) {
                escaped = false;
                b ^= 0x20;
            } else if (b == '}') {
                escaped = true;
                continue;
            }
            if (payload.size() >= MAX_PACKET) {
                oversized = true;
            } else {
                payload.write(b);
            }
        }
        int hi = Hex.valueOf(readOrEof());
        int lo = Hex.valueOf(readOrEof());
        if (oversized || hi < 0 || lo < 0 || (hi << 4 | lo) != (sum & 0xFF)) {
            return null;
        }
        return payload.toByteArray();
    }

    private int readOrEof() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the debugger closed the connection");
        }
        return b;
    }

    /**
     * Sends a reply; in ack mode, sends it again on '-' until acknowledged.
     *
     * @param payload the reply (ISO-8859-1 text; characters that need escaping are escaped)
     * @throws IOException if the socket fails or the debugger closed it
     */
    void send(String payload) throws IOException {
        byte[] frame = frame(payload.getBytes(StandardCharsets.ISO_8859_1));
        for (int attempt = 0; ; attempt++) {
            out.write(frame);
            out.flush();
            if (!ackMode || awaitAck() || attempt >= MAX_RETRANSMITS) {
                return;
            }
        }
    }

    /** True on '+', false on '-'; a new packet counts as an ack (the debugger moved on). */
    private boolean awaitAck() throws IOException {
        for (;;) {
            int b = readOrEof();
            switch (b) {
                case '+':
                    return true;
                case '-':
                    return false;
                case '$':
                    in.unread(b);
                    return true;
                case INTERRUPT:
                    interrupted = true;
                    break;
                default:
                    break; // noise between packets
            }
        }
    }

    private static byte[] frame(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 4);
        f.write('$');
        int sum = 0;
        for (byte p : payload) {
            int b = p & 0xFF;
            if (b == '$' || b == '#' || b == '}' || b == '*') {
                f.write('}');
                sum += '}';
                b ^= 0x20;
            }
            f.write(b);
            sum += b;
        }
        f.write('#');
        byte[] cs = Hex.byteString(sum).getBytes(StandardCharsets.ISO_8859_1);
        f.write(cs, 0, cs.length);
        return f.toByteArray();
    }

    private void sendRaw(int b) throws IOException {
        out.write(b);
        out.flush();
    }

    /**
     * Says, without blocking, whether the debugger sent an interrupt; consumes it. Acks and noise
     * before it are consumed too; a packet's '$' is left for {@link #receive()}.
     *
     * @return true once per interrupt
     * @throws IOException if the socket fails
     */
    boolean pollInterrupt() throws IOException {
        while (!interrupted && in.available() > 0) {
            int b = in.read();
            if (b == INTERRUPT) {
                interrupted = true;
            } else if (b == '$') {
                in.unread(b);
                break;
            }
        }
        boolean was = interrupted;
        interrupted = false;
        return was;
    }

    /**
     * Says whether the debugger has closed the connection, waiting at most a millisecond. A byte
     * that arrives instead is kept for the next read.
     *
     * @return true if the stream is at its end
     * @throws IOException if the socket fails
     */
    boolean peerClosed() throws IOException {
        if (in.available() > 0) {
            return false;
        }
        int saved = socket.getSoTimeout();
        socket.setSoTimeout(PROBE_TIMEOUT_MS);
        try {
            int b = in.read();
            if (b < 0) {
                return true;
            }
            in.unread(b);
            return false;
        } catch (SocketTimeoutException e) {
            return false; // nothing arrived: still connected
        } finally {
            socket.setSoTimeout(saved);
        }
    }
}
