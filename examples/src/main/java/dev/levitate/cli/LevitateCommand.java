package dev.levitate.cli;

/** Placeholder replaced below. */
public final class LevitateCommand {
    private LevitateCommand() {
    }

    /**
     * Entry point.
     *
     * @param args arguments
     */
    public static void main(String[] args) {
    }
}
