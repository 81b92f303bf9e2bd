package dev.levitate.cli;

/**
 * The command line's logging: the library logs through SLF4J and the command line binds it to
 * slf4j-simple, whose configuration is read from system properties once, when the first logger is
 * created; so {@link #configure(String...)} sets them from the arguments before picocli or any
 * library class runs.
 */
final class Logging {
    /** The option that turns on the library's debug log (on standard error). */
    static final String VERBOSE = "--verbose";

    private Logging() {
    }

    /**
     * Sets slf4j-simple's configuration: the library's loggers ({@code dev.levitate.*}) at debug
     * level with {@value #VERBOSE}, at info otherwise (the library logs nothing at info); short
     * logger names, no thread names, on standard error. A level the user set with
     * {@code -Dorg.slf4j.simpleLogger.log.dev.levitate=...} wins.
     *
     * @param args the command line (what follows {@code --} is not an option)
     */
    static void configure(String... args) {
        boolean on = false;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            on |= a.equals(VERBOSE);
        }
        setIfAbsent("org.slf4j.simpleLogger.log.dev.levitate", on ? "debug" : "info");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
