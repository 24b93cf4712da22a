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
     * The settings in {@code file} over the defaults ({@code null}: no file), with {@code --home-net} over both
     * ({@code null}: not given), or null after one line on stderr saying what is wrong.
     */
    static DetectionConfig read(final String command, final Path file, final String homeNet, final PrintWriter err) {
        final Properties properties = new Properties();
        if (file == null) {
            try {
                return DetectionConfig.fromProperties(withHomeNet(properties, homeNet));
            } catch (IllegalArgumentException e) {
                err.println("ntpguard " + command + ": --home-net: " + OneLineErrors.describe(e));
                err.flush();
                return null;
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            withHomeNet(properties, homeNet);
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

    /** {@code --home-net}, when given, in place of both names of the home networks' key. */
    static Properties withHomeNet(final Properties properties, final String homeNet) {
        if (homeNet != null) {
            properties.remove(DetectionConfig.TRUSTED_NETWORKS);
            properties.setProperty(DetectionConfig.HOME_NETWORKS, homeNet);
        }
        return properties;
    }
}
