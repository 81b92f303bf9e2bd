package dev.levitate.cli;

/**
 * Makes text from outside (a guest's symbol names, an ELF loader's message, a description file's
 * words, a file name) safe to print on a terminal: a control character would otherwise move the
 * cursor, change colours or retitle the window.
 */
final class Printable {
    private Printable() {
    }

    /**
     * Escapes the C0 controls (U+0000..U+001F, tab and newline included, so that a line stays one
     * line), DEL (U+007F) and the C1 controls (U+0080..U+009F, where an 8-bit CSI lives) as
     * {@code \xNN}; everything else is kept.
     *
     * @param s the text, or null
     * @return the text with those characters escaped ("null" for null)
     */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (needsEscape(c)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
    }
}
