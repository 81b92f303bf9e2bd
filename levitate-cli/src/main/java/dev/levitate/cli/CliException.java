package dev.levitate.cli;

/**
 * A failure a command reports as one line on standard error, with its exit status, and no stack
 * trace: a file that cannot be read or written, an image that cannot be loaded, a description
 * with a mistake. {@link LevitateCommand#run} prints {@code levitate COMMAND: MESSAGE} with control
 * characters escaped ({@link Printable#escape}).
 *
 * <p>Bad option values are not this: they are picocli's {@link picocli.CommandLine.ParameterException},
 * exit status {@link LevitateCommand#USAGE}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the failure.
     *
     * @param status the exit status (not 0)
     * @param message what went wrong, naming the file or option, without the command's name
     * @throws IllegalArgumentException if status is 0
     */
    CliException(int status, String message) {
        super(message);
        if (status == 0) {
            throw new IllegalArgumentException("a failure needs a non-zero exit status: " + message);
        }
        this.status = status;
    }

    /**
     * Returns the exit status.
     *
     * @return the status the process exits with
     */
    int status() {
        return status;
    }
}
