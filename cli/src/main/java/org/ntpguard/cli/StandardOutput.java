package org.ntpguard.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's stdout as {@code main} sets it up: a buffered UTF-8 writer for text (help, reports), and, for
 * commands that write data in bulk ({@code decode}), the bytes of file descriptor 1 itself, so that a write error
 * (a closed pipe) reaches the command instead of being swallowed by a {@link PrintWriter}.
 */
final class StandardOutput extends PrintWriter {

    private static final int BUFFER_CHARS = 1 << 16;

    StandardOutput() {
        super(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), BUFFER_CHARS), false);
    }

    /**
     * Where a command writes the bytes meant for {@code out}: file descriptor 1 when {@code out} is the process's
     * stdout, else (a test's writer) {@code out} itself, each write decoded as UTF-8. Callers write whole lines.
     */
    static OutputStream bytes(final PrintWriter out) {
        out.flush();
        if (out instanceof StandardOutput) {
            System.out.flush();
            return new FileOutputStream(FileDescriptor.out);
        }
        return new OutputStream() {
            @Override
            public void write(final int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int length) {
                out.write(new String(bytes, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                if (out.checkError()) {
                    throw new IOException("the output writer failed");
                }
            }
        };
    }

    /** Whether a write failed because the reader of the pipe went away (EPIPE), as with {@code | head}. */
    static boolean isBrokenPipe(final IOException error) {
        return error.getMessage() != null && error.getMessage().contains("Broken pipe");
    }
}
