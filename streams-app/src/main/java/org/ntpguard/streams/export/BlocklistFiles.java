package org.ntpguard.streams.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes every {@link BlocklistFormat} into a folder, for firewalls that read files (a cron job running
 * {@code ipset restore}, a web server in front). Each file is replaced atomically and only when its content changed,
 * so a watcher of modification times acts only on news; the ipset and nftables timeouts are counted from the time of
 * writing.
 */
public final class BlocklistFiles {

    private final Path dir;
    private final FeedSettings settings;

    public BlocklistFiles(final Path dir, final FeedSettings settings) {
        this.dir = dir;
        this.settings = settings;
    }

    /** Renders every format and replaces the files whose content differs; returns those written. */
    public List<Path> write(final BlocklistSnapshot snapshot, final Instant now) throws IOException {
        Files.createDirectories(dir);
        final List<Path> written = new ArrayList<>();
        for (final BlocklistFormat format : BlocklistFormat.values()) {
            final Path file = dir.resolve(format.fileName());
            final byte[] content = format.render(snapshot, now, settings).getBytes(StandardCharsets.UTF_8);
            if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
                writeAtomically(file, content);
                written.add(file);
            }
        }
        return written;
    }

    /**
     * Writes into a temporary file beside the target, then renames it over the target: a reader sees the old file or
     * the new one, never a part.
     */
    public static void writeAtomically(final Path file, final byte[] content) throws IOException {
        final Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
