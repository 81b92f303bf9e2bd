package dev.levitate.check;

/** A symbol named by the caller (a binding, a call) is not in the kernel ELF's symbol table. */
public final class UnknownSymbolException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param symbol the name looked up
     * @param where what was looked up (the ELF, with how many symbols)
     */
    public UnknownSymbolException(String symbol, String where) {
        super("no symbol '" + symbol + "' in " + where);
    }
}
