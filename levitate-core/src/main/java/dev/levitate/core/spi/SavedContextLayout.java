package dev.levitate.core.spi;

import java.util.List;

/**
 * The one definition of the saved-context layout that {@code cpu_switch_to} writes and Java reads:
 * the callee-saved registers of the AAPCS64 plus the stack pointer, 104 bytes, the original
 * kernel's layout.
 *
 * <pre>
 *   offset  0   8   16  24  32  40  48  56  64  72  80   88      96
 *           x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29  x30(lr) sp
 * </pre>
 * Guest assembly (the simulator), host assembly (the native backend) and the Java views all take
 * their offsets from here; a test checks each against the others.
 */
public final class SavedContextLayout {
    private SavedContextLayout() {
    }

    /** Size of one saved register in bytes. */
    public static final int SLOT = 8;
    /** First callee-saved register number in the layout (x19). */
    public static final int FIRST_REGISTER = 19;
    /** Number of x-register slots: x19..x30. */
    public static final int REGISTER_SLOTS = 12;
    /** Offset of x19. */
    public static final int X19 = 0;
    /** Offset of x29, the frame pointer. */
    public static final int FP = (29 - FIRST_REGISTER) * SLOT;
    /** Offset of x30, the link register: where {@code cpu_switch_to} returns to. */
    public static final int LR = (30 - FIRST_REGISTER) * SLOT;
    /** Offset of the saved stack pointer. */
    public static final int SP = REGISTER_SLOTS * SLOT;
    /** Total size of a saved context in bytes (104). */
    public static final int SIZE = SP + SLOT;

    /** The slot names, in layout order: x19 .. x28, x29, x30, sp. */
    public static final List<String> NAMES = List.of(
            "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp");

    /**
     * Returns the offset of x-register {@code n} (19..30).
     *
     * @param n the register number
     * @return its byte offset in the saved context
     * @throws IllegalArgumentException if {@code n} is not 19..30
     */
    public static int offsetOfX(int n) {
        if (n < FIRST_REGISTER || n > 30) {
            throw new IllegalArgumentException("x" + n + " is not callee-saved (x19..x30)");
        }
        return (n - FIRST_REGISTER) * SLOT;
    }

    /**
     * Returns the offset of a slot by name ({@code x19}..{@code x30}, {@code fp}, {@code lr},
     * {@code sp}).
     *
     * @param name the register name, case-insensitive
     * @return its byte offset
     * @throws IllegalArgumentException if the name is not in the layout
     */
    public static int offsetOf(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "fp": return FP;
            case "lr": return LR;
            case "sp": return SP;
            default:
                int i = NAMES.indexOf(n);
                if (i < 0) {
                    throw new IllegalArgumentException("'" + name + "' is not in the saved context (x19..x30, fp, lr, sp)");
                }
                return i * SLOT;
        }
    }
}
