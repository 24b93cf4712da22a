package org.ntpguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import org.ntpguard.streams.detect.DetectionConfig;

/** The {@code --config} file of the commands that run the detector in the process: {@code ntpguard.*} keys. */
final class DetectionFile {

    private static final String PREFIX = "ntpguard.";

    private DetectionFile() {
    }

    /**
     * The settings in {@code file} over the defaults ({@code null}: the defaults), or null after one line on stderr
     * saying what is wrong with it.
     */
    static DetectionConfig read(final String command, final Path file, final PrintWriter err) {
        if (file == null) {
            return DetectionConfig.defaults();
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            // A typo in the prefix (ntpgard.x, or a key from another tool's file) would otherwise pass unnoticed.
            properties.stringPropertyNames().stream().filter(key -> !key.startsWith(PREFIX)).sorted()
                    .forEach(key -> err.println("ntpguard " + command + ": " + file + ": '" + key + "' ignored "
                            + "(only " + PREFIX + "* keys are read)"));
            err.flush();
            return DetectionConfig.fromProperties(properties);
        } catch (NoSuchFileException e) {
            err.println("ntpguard " + command + ": " + file + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            err.println("ntpguard " + command + ": " + file + ": " + OneLineErrors.describe(e));
        }
        err.flush();
        return null;
    }
}
