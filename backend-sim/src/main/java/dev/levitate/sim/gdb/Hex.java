package dev.levitate.sim.gdb;

/**
 * The protocol's hex codec: numbers are big-endian hex digits ({@code "4008000c"}), register
 * and memory contents are bytes in target order, two lowercase digits each (little-endian values
 * on AArch64).
 */
final class Hex {
    /** The widest number the protocol carries here: a 64-bit address. */
    static final int MAX_NUMBER_DIGITS = 16;

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /**
     * Parses a hex number of 1 to 16 digits.
     *
     * @param s the text
     * @param what what it is, for the message
     * @return the value (64 bits, unsigned)
     * @throws MalformedPacketException if empty, too long, or not hex
     */
    static long number(String s, String what) throws MalformedPacketException {
        if (s.isEmpty() || s.length() > MAX_NUMBER_DIGITS) {
            throw new MalformedPacketException(what + " is not 1 to 16 hex digits: '" + s + "'");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            v = v << 4 | digit(s.charAt(i), what);
        }
        return v;
    }

    /**
     * Decodes pairs of hex digits to bytes.
     *
     * @param s the text, an even number of digits
     * @param what what it is, for the message
     * @return the bytes
     * @throws MalformedPacketException if odd-length or not hex
     */
    static byte[] bytes(String s, String what) throws MalformedPacketException {
        if ((s.length() & 1) != 0) {
            throw new MalformedPacketException(what + " has an odd number of hex digits (" + s.length() + ")");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (digit(s.charAt(2 * i), what) << 4 | digit(s.charAt(2 * i + 1), what));
        }
        return out;
    }

    /**
     * Appends {@code size} bytes of {@code value}, least significant first.
     *
     * @param sb where
     * @param value the value
     * @param size 1 to 8 bytes
     */
    static void appendLittleEndian(StringBuilder sb, long value, int size) {
        for (int i = 0; i < size; i++) {
            appendByte(sb, (int) (value >>> 8 * i));
        }
    }

    /**
     * Reads {@code size} bytes as a little-endian value.
     *
     * @param b the bytes
     * @param offset the first
     * @param size 1 to 8
     * @return the value
     */
    static long littleEndian(byte[] b, int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (b[offset + i] & 0xFF);
        }
        return v;
    }

    /**
     * Appends one byte as two digits.
     *
     * @param sb where
     * @param b the byte (low 8 bits)
     */
    static void appendByte(StringBuilder sb, int b) {
        sb.append(DIGITS[b >>> 4 & 0xF]).append(DIGITS[b & 0xF]);
    }

    /**
     * Formats a byte as two digits (checksums, signals, exit codes).
     *
     * @param b the byte (low 8 bits)
     * @return two digits
     */
    static String byteString(int b) {
        StringBuilder sb = new StringBuilder(2);
        appendByte(sb, b);
        return sb.toString();
    }

    /**
     * Returns the value of a hex digit, or -1.
     *
     * @param c the character
     * @return 0..15, or -1 if not a hex digit
     */
    static int valueOf(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int digit(char c, String what) throws MalformedPacketException {
        int d = valueOf(c);
        if (d < 0) {
            throw new MalformedPacketException(what + " has a non-hex character '" + c + "'");
        }
        return d;
    }
}
