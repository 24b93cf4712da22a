package org.ntpguard.cli;

import java.util.Locale;
import org.ntpguard.capture.live.LiveCaptureOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** libpcap's buffer and immediate mode, for the commands that capture live: sensor and decode --interface, run. */
final class LiveCaptureTuning {

    @Option(names = "--buffer-size", paramLabel = "<bytes>", converter = ByteSize.class,
            description = "Live only: libpcap's kernel buffer, in bytes or with a suffix k, m or g (times 1024), "
                    + "e.g. 64m. A larger buffer rides out longer bursts and pauses of the reader before the kernel "
                    + "drops (default: 32m).")
    Integer bufferSizeBytes;

    @Option(names = "--immediate",
            description = "Live only: libpcap's immediate mode, each packet handed over as soon as it arrives "
                    + "instead of up to 100 ms later in blocks. On Linux it costs a system call per packet and "
                    + "drops far more at high rates: for a sensor whose latency matters more than its capacity.")
    boolean immediate;

    /** Whether either option was given: they apply to live capture only. */
    boolean given() {
        return bufferSizeBytes != null || immediate;
    }

    /** {@code options} with what was given. */
    LiveCaptureOptions applyTo(final LiveCaptureOptions options) {
        final LiveCaptureOptions sized = bufferSizeBytes == null ? options
                : options.withBufferSizeBytes(bufferSizeBytes);
        return sized.withImmediateMode(immediate);
    }

    /** A size in bytes: digits, optionally followed by k, m or g (KiB, MiB, GiB), at most 2 GiB - 1 (an int). */
    static final class ByteSize implements ITypeConverter<Integer> {

        private static final long KIB = 1024L;

        @Override
        public Integer convert(final String value) {
            final String text = value.trim().toLowerCase(Locale.ROOT);
            final char suffix = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
            final long unit = switch (suffix) {
                case 'k' -> KIB;
                case 'm' -> KIB * KIB;
                case 'g' -> KIB * KIB * KIB;
                default -> 1L;
            };
            final String digits = unit == 1L ? text : text.substring(0, text.length() - 1);
            final long bytes;
            try {
                bytes = digits.chars().allMatch(Character::isDigit) && digits.length() <= 10
                        ? Long.parseLong(digits) * unit : -1L;
            } catch (NumberFormatException e) {
                throw invalid(value);
            }
            if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                throw invalid(value);
            }
            return (int) bytes;
        }

        private static TypeConversionException invalid(final String value) {
            return new TypeConversionException("'" + value + "' (expected: 1 to 2147483647 bytes, or a number "
                    + "followed by k, m or g, e.g. 64m, below 2g)");
        }
    }
}
