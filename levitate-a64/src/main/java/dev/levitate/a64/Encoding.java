package dev.levitate.a64;

import java.util.EnumMap;
import java.util.Map;

/**
 * One row of {@link A64}: a name, a 32-character bit pattern and an operand syntax.
 *
 * <p>Pattern characters, most significant bit first: {@code 0} and {@code 1} are fixed bits,
 * {@code -} is a bit the row ignores, and a letter is a bit of the named {@link Field} (a field's
 * bits are contiguous). From the pattern come {@link #mask()} and {@link #value()}: a word
 * {@code w} matches the row when {@code (w & mask) == value}.
 *
 * <p>The syntax drives the disassembler (and documents the assembler): literal text with
 * {@code {token}} operands.
 */
public final class Encoding {
    private final int id;
    private final String name;
    private final String pattern;
    private final String syntax;
    private final int mask;
    private final int value;
    private final int scale;
    private final Map<Field, int[]> fields = new EnumMap<>(Field.class);

    Encoding(int id, String name, String pattern, String syntax, int scale) {
        String p = pattern.replace(" ", "").replace("_", "");
        if (p.length() != 32) {
            throw new IllegalArgumentException(name + ": pattern has " + p.length() + " bits, not 32: " + pattern);
        }
        this.id = id;
        this.name = name;
        this.pattern = p;
        this.syntax = syntax;
        this.scale = scale;
        int m = 0;
        int v = 0;
        for (int i = 0; i < 32; i++) {
            char c = p.charAt(i);
            int bit = 31 - i;
            if (c == '0' || c == '1') {
                m |= 1 << bit;
                if (c == '1') {
                    v |= 1 << bit;
                }
            } else if (c != '-') {
                Field f = Field.ofLetter(c);
                if (f == null) {
                    throw new IllegalArgumentException(name + ": unknown field letter '" + c + "'");
                }
                int[] sw = fields.get(f);
                if (sw == null) {
                    fields.put(f, new int[] {bit, 1});
                } else {
                    if (sw[0] != bit + 1) {
                        throw new IllegalArgumentException(name + ": field " + f + " is not contiguous");
                    }
                    sw[0] = bit;
                    sw[1]++;
                }
            }
        }
        this.mask = m;
        this.value = v;
    }

    /**
     * Returns the row's index in the table (the decoder's result).
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * Returns the row's name, e.g. {@code ADD_imm}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the 32-character pattern without spaces.
     *
     * @return the pattern
     */
    public String pattern() {
        return pattern;
    }

    /**
     * Returns the operand syntax template.
     *
     * @return the syntax
     */
    public String syntax() {
        return syntax;
    }

    /**
     * Returns the mask of the fixed bits.
     *
     * @return the mask
     */
    public int mask() {
        return mask;
    }

    /**
     * Returns the values of the fixed bits.
     *
     * @return the value
     */
    public int value() {
        return value;
    }

    /**
     * Returns the access size in bytes for loads and stores (the immediate scale), 1 otherwise.
     *
     * @return the scale
     */
    public int scale() {
        return scale;
    }

    /**
     * Tells whether a word matches this row.
     *
     * @param word the instruction
     * @return true if its fixed bits agree
     */
    public boolean matches(int word) {
        return (word & mask) == value;
    }

    /**
     * Tells whether the row has a field.
     *
     * @param f the field
     * @return true if the pattern names it
     */
    public boolean has(Field f) {
        return fields.containsKey(f);
    }

    /**
     * Returns a field's width in bits.
     *
     * @param f the field
     * @return the width
     * @throws IllegalArgumentException if the row has no such field
     */
    public int width(Field f) {
        return shiftWidth(f)[1];
    }

    private int[] shiftWidth(Field f) {
        int[] sw = fields.get(f);
        if (sw == null) {
            throw new IllegalArgumentException(name + " has no field " + f);
        }
        return sw;
    }

    /**
     * Extracts a field, zero-extended.
     *
     * @param word the instruction
     * @param f the field
     * @return its value
     */
    public int get(int word, Field f) {
        int[] sw = shiftWidth(f);
        return (int) ((word >>> sw[0]) & ((1L << sw[1]) - 1));
    }

    /**
     * Extracts a field, sign-extended from its width.
     *
     * @param word the instruction
     * @param f the field
     * @return its signed value
     */
    public long getSigned(int word, Field f) {
        int[] sw = shiftWidth(f);
        return ((long) word << (64 - sw[0] - sw[1]) >> (64 - sw[1])) ;
    }

    /**
     * Encodes the row with field values.
     *
     * @param values pairs of (Field, Integer-or-Long)
     * @return the instruction word
     * @throws IllegalArgumentException if a field is missing, unknown or does not fit
     */
    public int encode(Object... values) {
        int w = value;
        int seen = 0;
        for (int i = 0; i < values.length; i += 2) {
            Field f = (Field) values[i];
            long v = ((Number) values[i + 1]).longValue();
            int[] sw = shiftWidth(f);
            long max = 1L << sw[1];
            if (v < -(max / 2) || v >= max) {
                throw new IllegalArgumentException(name + ": " + f + " = " + v + " does not fit in " + sw[1] + " bits");
            }
            w |= (int) ((v & (max - 1)) << sw[0]);
            seen++;
        }
        if (seen != fields.size()) {
            throw new IllegalArgumentException(name + " needs " + fields.keySet() + ", got " + seen + " field(s)");
        }
        return w;
    }

    @Override
    public String toString() {
        return name + " " + pattern;
    }
}
