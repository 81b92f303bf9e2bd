package dev.levitate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading the files a command is given and writing the ones it makes, with every failure a
 * {@link CliException} that names the file: no such file, a directory, a device or a pipe
 * ({@code /dev/zero} is never read to its end), larger than the command's bound, not UTF-8, a
 * directory where a file should go, a parent that cannot be made.
 */
final class CliFiles {
    private CliFiles() {
    }

    /**
     * Reads a whole regular file, at most {@code maxBytes} of it: the size is checked first, and the
     * read itself stops one byte past the bound (a file that grows, or says size 0 as procfs does,
     * cannot make it read more).
     *
     * @param path the file
     * @param maxBytes the most the command accepts
     * @param status the exit status of a failure
     * @param what what the file is for the command ("image", "description"), for the messages
     * @return the bytes
     * @throws CliException if the file is missing, not a regular file, unreadable or too large
     */
    static byte[] read(Path path, long maxBytes, int status, String what) {
        String name = Printable.escape(path.toString());
        if (Files.isDirectory(path)) {
            throw new CliException(status, name + " is a directory, not " + article(what) + " file");
        }
        if (!Files.exists(path)) {
            throw new CliException(status, "no such file: " + name);
        }
        if (!Files.isRegularFile(path)) {
            throw new CliException(status, name + " is not a regular file (a device, a pipe or a socket?), so not "
                    + article(what));
        }
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw tooLarge(status, name, size, maxBytes, what);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw tooLarge(status, name, bytes.length, maxBytes, what);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new CliException(status, "no such file: " + name);
        } catch (AccessDeniedException e) {
            throw new CliException(status, "cannot read " + name + ": permission denied");
        } catch (IOException e) {
            throw new CliException(status, "cannot read " + name + ": " + reason(e));
        }
    }

    /**
     * Reads a regular file as UTF-8 text (see {@link #read}); a byte sequence that is not UTF-8 is an
     * error that names its offset and line, not a replacement character.
     *
     * @param path the file
     * @param maxBytes the most the command accepts
     * @param status the exit status of a failure
     * @param what what the file is for the command, for the messages
     * @return the text
     * @throws CliException as {@link #read} does, and if the bytes are not UTF-8
     */
    static String readUtf8(Path path, long maxBytes, int status, String what) {
        byte[] bytes = read(path, maxBytes, status, what);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer text = utf8.decode(in);
            return text.toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new CliException(status, String.format("%s is not UTF-8 text: byte 0x%02x at offset %d (line %d)",
                    Printable.escape(path.toString()), bytes[at] & 0xFF, at, line));
        }
    }

    /**
     * Fails early, before a long run, if {@code path} can never be written as a file: it is a
     * directory, or one of its parents is a file.
     *
     * @param path where the command will write
     * @param what what it will write ("trace", "HTML report"), for the message
     * @throws CliException (status {@link LevitateCommand#FAILURE}) if it cannot
     */
    static void checkWritable(Path path, String what) {
        Path abs = path.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw cannotWrite(path, what, "it is a directory");
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw cannotWrite(path, what, Printable.escape(p.toString()) + " is not a directory");
                }
                return;
            }
        }
    }

    /**
     * Writes a file, making its missing parent directories first.
     *
     * @param path where
     * @param bytes what
     * @param what what it is ("trace", "HTML report"), for the message
     * @throws CliException (status {@link LevitateCommand#FAILURE}) if it cannot be written
     */
    static void write(Path path, byte[] bytes, String what) {
        checkWritable(path, what);
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(path, bytes);
        } catch (AccessDeniedException e) {
            throw cannotWrite(path, what, "permission denied" + (path.toString().equals(e.getFile()) ? "" : " (" + Printable.escape(e.getFile()) + ")"));
        } catch (IOException e) {
            throw cannotWrite(path, what, reason(e));
        }
    }

    private static CliException cannotWrite(Path path, String what, String why) {
        return new CliException(LevitateCommand.FAILURE, "cannot write the " + what + " to " + Printable.escape(path.toString()) + ": " + why);
    }

    private static CliException tooLarge(int status, String name, long size, long max, String what) {
        return new CliException(status, String.format(java.util.Locale.ROOT, "%s is %,d bytes: too large for %s (at most %,d)",
                name, size, article(what), max));
    }

    /** The reason of a file-system error without the path it repeats ("Not a directory"). */
    private static String reason(IOException e) {
        String r = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
        return Printable.escape(r != null ? r : e.getClass().getSimpleName());
    }

    private static String article(String what) {
        return ("aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ") + what;
    }
}
