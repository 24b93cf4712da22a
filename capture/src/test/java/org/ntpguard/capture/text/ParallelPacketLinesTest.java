package org.ntpguard.capture.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;

class ParallelPacketLinesTest {

    private static final String SENSOR = "lab";

    @Test
    void shouldWriteByteForByteWhatOneThreadWritesInBothFormatsAcrossManyBatches() throws IOException {
        for (final PacketLines.Format format : PacketLines.Format.values()) {
            final ByteArrayOutputStream serial = new ByteArrayOutputStream();
            final ByteArrayOutputStream parallel = new ByteArrayOutputStream();
            final PacketLines one = new PacketLines(serial, format, PacketLines.CURRENT_VERSION, SENSOR);
            final long packets;
            try (ParallelPacketLines many = new ParallelPacketLines(parallel, format, PacketLines.CURRENT_VERSION,
                    SENSOR, 3)) {
                packets = decodeEveryRealCapture(packet -> {
                    one.write(packet);
                    many.write(packet);
                });
                one.flush();
                many.flush();
            }

            assertThat(packets).as("packets, more than a few batches").isGreaterThan(4L * ParallelPacketLines.BATCH_PACKETS);
            assertThat(parallel.toByteArray()).as(format.name()).isEqualTo(serial.toByteArray());
        }
    }

    @Test
    void shouldWriteEachFlushedLineBeforeFlushReturns() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelPacketLines lines = new ParallelPacketLines(out, PacketLines.Format.csv,
                PacketLines.CURRENT_VERSION, SENSOR, 2)) {
            lines.flush();
            assertThat(out.size()).as("no packet, no CSV header").isZero();

            final int[] written = {0};
            decodeEveryRealCapture(packet -> {
                if (written[0]++ < 3) {
                    lines.write(packet);
                }
            });
            lines.flush();
        }
        assertThat(out.toString().lines()).hasSize(1 + 3);
    }

    @Test
    void shouldStopTheReaderWithTheWritersFailure() throws IOException {
        final OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        final List<Long> accepted = new ArrayList<>();
        try (ParallelPacketLines lines = new ParallelPacketLines(closedPipe, PacketLines.Format.jsonl,
                PacketLines.CURRENT_VERSION, SENSOR, 2)) {
            assertThatThrownBy(() -> {
                for (int pass = 0; pass < 50; pass++) { // far more packets than the batches in flight
                    decodeEveryRealCapture(packet -> {
                        lines.write(packet);
                        accepted.add(packet.frameNumber());
                    });
                }
                lines.flush();
            }).isInstanceOf(IOException.class).hasMessage("Broken pipe");
        }
        // The failure stops the writes within the batches already in flight, not at the end of the input.
        assertThat(accepted.size()).isLessThan(20 * ParallelPacketLines.BATCH_PACKETS);
    }

    /** Every packet of every real capture, in order, as the decoder hands them over; returns their number. */
    private static long decodeEveryRealCapture(final PacketSink sink) throws IOException {
        long packets = 0;
        for (final String row : Files.readAllLines(SharedMaterial.captures().resolve("MANIFEST.tsv"))) {
            final String file = row.split("\t")[0];
            if (!file.endsWith(".pcap") && !file.endsWith(".pcapng")) {
                continue;
            }
            final Path capture = SharedMaterial.captures().resolve(file).normalize();
            final ProblemLog problems = new ProblemLog(new PrintWriter(new StringWriter()));
            final DecodeStats stats = new DecodeStats();
            try (CaptureReader reader = CaptureFiles.open(capture, problems)) {
                new CaptureSession(stats, problems).run(reader, sink, Long.MAX_VALUE);
            }
            packets += stats.ntpDatagrams();
        }
        return packets;
    }
}
