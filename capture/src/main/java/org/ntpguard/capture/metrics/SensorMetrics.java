package org.ntpguard.capture.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.ntpguard.capture.decode.MalformedReason;
import org.ntpguard.capture.live.CaptureStats;
import org.ntpguard.capture.live.LiveCaptureException;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.proto.NtpMode;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;

/**
 * A sensor's counters as Micrometer meters ({@code ntpguard_frames_total}, {@code ntpguard_packets_total{mode,
 * version,direction}} ...; the README's "Metrics" lists them). Every meter is a function counter that reads, at
 * scrape time, a counter the capture, the problem log or the publisher keeps anyway: the per-packet path does no
 * metrics work. Tags are closed sets (modes, versions, reasons, kiss codes of the registry); no address, and no byte
 * an attacker chose, ever becomes a tag value.
 *
 * <p>Micrometer holds the objects read here weakly: the caller keeps them (it does anyway, while it runs).
 */
public final class SensorMetrics implements MeterBinder {

    /** The kiss code tag for a Kiss-o'-Death whose code is outside the registry: never its raw bytes. */
    public static final String OTHER_KISS_CODE = "other";
    private static final String CAPTURE_DROPS = "Packets lost before publishing: kernel (libpcap ps_drop), interface "
            + "(ps_ifdrop), queue (the sensor's queue to the producer was full)";

    private final DecodeStats decoded;
    private final ProblemLog problems;
    private final FlowPublisher publisher;
    private final LiveCaptureReader live;

    /** A sensor replaying files: no libpcap drop counters. */
    public SensorMetrics(final DecodeStats decoded, final ProblemLog problems, final FlowPublisher publisher) {
        this(decoded, problems, publisher, null);
    }

    /**
     * @param live the live capture whose libpcap drop counters to show, or null for a replay
     */
    public SensorMetrics(final DecodeStats decoded, final ProblemLog problems, final FlowPublisher publisher,
                         final LiveCaptureReader live) {
        this.decoded = Objects.requireNonNull(decoded, "decoded");
        this.problems = Objects.requireNonNull(problems, "problems");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.live = live;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        counter(registry, "ntpguard.frames", "Frames read from the interface or the capture files", decoded,
                DecodeStats::frames);
        for (final NtpMode mode : NtpMode.values()) {
            if (mode == NtpMode.UNKNOWN) {
                continue; // a 3-bit field is always one of the eight
            }
            for (int version = 0; version < DecodeStats.VERSIONS; version++) {
                for (final DecodeStats.Direction direction : DecodeStats.Direction.values()) {
                    if (direction.possibleFor(mode)) {
                        datagrams(registry, mode, version, direction);
                    }
                }
            }
        }
        for (final MalformedReason reason : MalformedReason.values()) {
            FunctionCounter.builder("ntpguard.malformed", decoded, stats -> stats.malformedNtp(reason))
                    .description("NTP datagrams that are not valid NTP (still published), by reason")
                    .tag("reason", lower(reason)).register(registry);
        }
        for (final KissCode code : KissCode.values()) {
            if (code == KissCode.NONE) {
                continue;
            }
            FunctionCounter.builder("ntpguard.kod", decoded, stats -> stats.kissOfDeath(code))
                    .description("Kiss-o'-Death packets by kiss code (RFC 5905 7.4); 'other' outside the registry")
                    .tag("code", code == KissCode.UNKNOWN ? OTHER_KISS_CODE : code.name()).register(registry);
        }
        for (final CaptureProblem.Kind kind : CaptureProblem.Kind.values()) {
            FunctionCounter.builder("ntpguard.capture.problems", problems, log -> log.count(kind))
                    .description("Damaged input and undecodable frames, by kind")
                    .tag("kind", lower(kind)).register(registry);
        }
        FunctionCounter.builder("ntpguard.capture.drops", publisher, sink -> sink.stats().dropped())
                .description(CAPTURE_DROPS).tag("source", "queue").register(registry);
        if (live != null) {
            // Each meter of a name carries the description: the exposition takes its HELP from one of them.
            FunctionCounter.builder("ntpguard.capture.drops", live, reader -> libpcap(reader,
                            CaptureStats::droppedByKernel))
                    .description(CAPTURE_DROPS).tag("source", "kernel").register(registry);
            FunctionCounter.builder("ntpguard.capture.drops", live, reader -> libpcap(reader,
                            CaptureStats::droppedByInterface))
                    .description(CAPTURE_DROPS).tag("source", "interface").register(registry);
        }
        counter(registry, "ntpguard.published", "NTP datagrams the broker acknowledged", publisher,
                sink -> sink.stats().published());
        counter(registry, "ntpguard.publish.errors", "NTP datagrams the producer failed to deliver", publisher,
                sink -> sink.stats().sendErrorCount());
        counter(registry, "ntpguard.flows.published", "NTP flows (one client-server pair in one interval) the "
                + "broker acknowledged", publisher, sink -> sink.stats().flows());
        counter(registry, "ntpguard.flow.records.published", "Flow batch records the broker acknowledged (one per "
                + "partition and interval, or more when large)", publisher, sink -> sink.stats().batches());
        counter(registry, "ntpguard.flow.table.early.flushes", "Times the sensor's flow table was full and every "
                + "flow was closed before its interval ended (a flood of distinct pairs)", publisher,
                sink -> sink.combiner().earlyFlushes());
        Gauge.builder("ntpguard.flows.held", publisher, sink -> sink.combiner().heldFlows())
                .description("Flows the sensor holds now, their interval still open").register(registry);
    }

    private void datagrams(final MeterRegistry registry, final NtpMode mode, final int version,
                           final DecodeStats.Direction direction) {
        final String[] tags = {"mode", lower(mode), "version", Integer.toString(version), "direction",
                lower(direction)};
        FunctionCounter.builder("ntpguard.packets", decoded, stats -> stats.ntpDatagrams(mode, version, direction))
                .description("NTP datagrams (malformed ones included) by mode, version and direction")
                .tags(tags).register(registry);
        FunctionCounter.builder("ntpguard.bytes", decoded, stats -> stats.ntpBytes(mode, version, direction))
                .description("UDP payload bytes of those NTP datagrams, as their UDP headers declare")
                .tags(tags).register(registry);
    }

    private static <T> void counter(final MeterRegistry registry, final String name, final String description,
                                    final T state, final ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, state, count).description(description).register(registry);
    }

    /** A libpcap counter; NaN while libpcap cannot say (the scrape shows it rather than a made-up 0). */
    private static double libpcap(final LiveCaptureReader reader, final ToDoubleFunction<CaptureStats> counter) {
        try {
            final double value = counter.applyAsDouble(reader.stats());
            return value < 0 ? Double.NaN : value;
        } catch (final LiveCaptureException e) {
            return Double.NaN;
        }
    }

    private static String lower(final Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
