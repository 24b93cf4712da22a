package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {

    private final StringWriter err = new StringWriter();
    private long now;

    private ReplayProgress progress(final boolean terminal) {
        return new ReplayProgress(new PrintWriter(err), terminal, 100L << 20, 10_000_000_000L, () -> now);
    }

    /** 4096 updates (the clock is read once per 4096) at {@code frame}, {@code bytes}, at time {@code seconds}. */
    private static void feed(final ReplayProgress progress, final long frame, final long bytes) {
        for (int i = 0; i < 4096; i++) {
            progress.update(frame, bytes);
        }
    }

    @Test
    void shouldWritePlainLinesEveryIntervalWhenNotOnATerminal() {
        final ReplayProgress progress = progress(false);

        now = 5_000_000_000L;
        feed(progress, 1_000_000, 25L << 20);
        assertThat(err.toString()).isEmpty();

        now = 10_000_000_000L;
        feed(progress, 2_000_000, 50L << 20);
        assertThat(err.toString()).isEqualTo(
                "replay: 2,000,000 frames, 50.0 MiB of 100.0 MiB (50%), 200,000 frames/s, 10 s left\n");
    }

    @Test
    void shouldRewriteOneLineOnATerminalAndEndItOnFinish() {
        final ReplayProgress progress = progress(true);

        now = 10_000_000_000L;
        feed(progress, 1_000, 10L << 20);
        now = 20_000_000_000L;
        feed(progress, 2_000, 20L << 20);
        progress.finish();

        assertThat(err.toString()).startsWith("\rreplay: 1,000 frames").contains("\rreplay: 2,000 frames")
                .endsWith("   \n").doesNotContain("\n\r");
    }

    @Test
    void shouldPrintTheFinalFiguresOnceWhenNotOnATerminal() {
        final ReplayProgress progress = progress(false);
        progress.update(10, 1_000);
        now = 1_000_000_000L;

        progress.finish();

        assertThat(err.toString()).startsWith("replay: 10 frames, 1.0 KiB of 100.0 MiB (0%), 10 frames/s");
    }

    @Test
    void shouldEstimateNoTimeLeftBeforeEnoughOfTheReplayToGoBy() {
        final ReplayProgress progress = new ReplayProgress(new PrintWriter(err), false, 100L << 20, 500_000_000L,
                () -> now);

        now = 500_000_000L; // the first half second moved 2 KiB: at that pace, 100 MiB take hours
        feed(progress, 20, 2L << 10);
        now = 3_000_000_000L; // 3 s: 20% read, but too early to say
        feed(progress, 200_000, 20L << 20);
        now = 6_000_000_000L;
        feed(progress, 400_000, 40L << 20);

        assertThat(err.toString().lines()).hasSize(3);
        assertThat(err.toString().lines().limit(2)).noneMatch(line -> line.contains("left"));
        assertThat(err.toString().lines().skip(2)).singleElement().asString().endsWith(", 9 s left");
    }
}
