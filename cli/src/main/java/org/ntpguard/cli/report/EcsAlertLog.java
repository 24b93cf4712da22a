package org.ntpguard.cli.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.ecs.EcsAlertWriter;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * {@code alerts.ecs.jsonl} in the report folder: one ECS JSON line ({@link EcsAlertWriter}) per alert update, only
 * ever appended, so that file shippers (Filebeat, Splunk's forwarder) can tail it. Unlike the other report files,
 * which are replaced whole, it keeps its inode for the life of a run and is never rewritten. Each run starts it
 * anew: the previous run's file is deleted when the log is opened, so that it holds one run, as the folder does.
 *
 * <p>Lines that could not be written (a full disk) stay pending and go out with the next append, in order.
 */
public final class EcsAlertLog implements AutoCloseable {

    public static final String FILE = "alerts.ecs.jsonl";

    private final Path file;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private FileChannel channel;

    private EcsAlertLog(final Path file) {
        this.file = file;
    }

    /** A log that starts {@code dir/alerts.ecs.jsonl} anew at its first {@link #flush} or append. */
    public static EcsAlertLog in(final Path dir) {
        return new EcsAlertLog(dir.resolve(FILE));
    }

    /** Writes {@code dir/alerts.ecs.jsonl} anew with one line per update, in order: {@code analyze}'s whole run. */
    public static void write(final Path dir, final List<NtpAlert> updates) throws IOException {
        try (EcsAlertLog log = in(dir)) {
            for (final NtpAlert update : updates) {
                log.add(update);
            }
            log.flush();
        }
    }

    public Path file() {
        return file;
    }

    /** Appends the line of one alert update (and any line still pending). */
    public void append(final NtpAlert update) throws IOException {
        add(update);
        flush();
    }

    private void add(final NtpAlert update) {
        pending.writeBytes((EcsAlertWriter.json(AlertRecords.toAlert(update)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the lines pending; the first call deletes the previous run's file and creates this run's. */
    public void flush() throws IOException {
        if (channel == null) {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        final ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (final IOException e) {
            // What was not written stays pending, none of it twice.
            pending.write(bytes.array(), bytes.position(), bytes.remaining());
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
