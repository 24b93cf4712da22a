package org.ntpguard.capture.pcap;

import org.ntpguard.capture.SharedMaterial;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ntpguard.capture.pcap.Captures.Frame;
import org.ntpguard.capture.pcap.Captures.Result;

/** Reads every real capture in {@code shared/captures} and checks it against MANIFEST.tsv and the tshark oracle. */
class SharedCapturesTest {

    private static final int LOCAL_FILE_COLUMN = 0;
    private static final int PACKET_COUNT_COLUMN = 7;
    private static final int ORACLE_FILE_COLUMN = 9;
    private static final int FRAME_NUMBER_COLUMN = 0;
    private static final int TIME_EPOCH_COLUMN = 1;
    private static final int FRAME_LENGTH_COLUMN = 2;

    @TestFactory
    Stream<DynamicTest> shouldMatchManifestAndOracleWhenReadingSharedCaptures() throws IOException {
        final Path captures = SharedMaterial.captures();
        final List<String[]> rows = Files.readAllLines(captures.resolve("MANIFEST.tsv")).stream()
            .skip(1)
            .filter(line -> !line.isBlank())
            .map(line -> line.split("\t", -1))
            .toList();
        assertThat(rows).isNotEmpty();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row[LOCAL_FILE_COLUMN],
            () -> shouldMatch(captures.resolve(row[LOCAL_FILE_COLUMN]).normalize(),
                Long.parseLong(row[PACKET_COUNT_COLUMN]), captures.resolve(row[ORACLE_FILE_COLUMN]))));
    }

    private static void shouldMatch(final Path file, final long packetCount, final Path oracle) throws IOException {
        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).hasSize((int) packetCount);
        for (int i = 0; i < result.frames().size(); i++) {
            assertThat(result.frames().get(i).number()).isEqualTo(i + 1);
        }
        assertThat(result.frames().get(0).fileOffset()).isEqualTo(24);
        final List<String[]> expected = Files.readAllLines(oracle).stream()
            .skip(1)
            .filter(line -> !line.isBlank())
            .map(line -> line.split("\t", -1))
            .toList();
        assertThat(expected).as("oracle rows of %s", oracle).isNotEmpty();
        for (final String[] row : expected) {
            final Frame frame = result.frames().get(Integer.parseInt(row[FRAME_NUMBER_COLUMN]) - 1);
            assertThat(frame.timestampNanos()).as("frame %s time", row[FRAME_NUMBER_COLUMN])
                .isEqualTo(SharedMaterial.epochNanos(row[TIME_EPOCH_COLUMN]));
            assertThat(frame.originalLength()).as("frame %s length", row[FRAME_NUMBER_COLUMN])
                .isEqualTo(Integer.parseInt(row[FRAME_LENGTH_COLUMN]));
        }
    }


}
