package org.ntpguard.capture.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ntpguard.capture.decode.DecodedPacket;

/**
 * {@link PacketLines} on several cores: the caller's thread decodes and copies each packet into a batch, worker
 * threads turn whole batches into lines, and a writer thread writes the batches out in the order they were filled,
 * so the output is byte for byte what one {@code PacketLines} writes. For {@code decode} of capture files, where a
 * line (about 1 KB of digits for a monlist answer) costs several times its decoding, and one core formatting is
 * what limits the rate (bench/README.md, "decode against tshark").
 *
 * <p>Nothing is allocated per packet: batches, their packet copies and their output buffers are reused. A failed
 * write (a closed pipe) surfaces as the {@link IOException} of the next {@link #write} or of {@link #flush}, so the
 * reader stops at once instead of decoding into nowhere.
 */
public final class ParallelPacketLines implements PacketLineWriter, AutoCloseable {

    /** Packets a batch holds: enough that handing a batch over costs little per packet. */
    static final int BATCH_PACKETS = 2_048;

    /** Packets copied by the reader, and the lines a worker formats from them. */
    private static final class Batch {
        final DecodedPacket[] packets = new DecodedPacket[BATCH_PACKETS];
        final ByteBuffer[] payloads = new ByteBuffer[BATCH_PACKETS];
        final ByteArrayOutputStream lines = new ByteArrayOutputStream(BATCH_PACKETS * 1_100);
        final PacketLines formatter;
        int count;

        Batch(final PacketLines.Format format, final int version, final String sensor, final boolean first) {
            for (int i = 0; i < BATCH_PACKETS; i++) {
                packets[i] = new DecodedPacket();
                payloads[i] = ByteBuffer.allocate(512);
            }
            formatter = new PacketLines(lines, format, version, sensor);
            if (!first) {
                formatter.omitHeader();
            }
        }

        Batch format() throws IOException {
            for (int i = 0; i < count; i++) {
                formatter.write(packets[i]);
            }
            formatter.flush();
            return this;
        }
    }

    private final OutputStream out;
    private final ExecutorService workers;
    private final Thread writer;
    /** Empty batches, for the reader to fill. */
    private final BlockingQueue<Batch> empty;
    /** Batches handed to the workers, in the order filled: the writer takes them in that order. */
    private final BlockingQueue<Future<Batch>> formatting;
    private volatile IOException failure;
    private Batch filling;
    /** Batches handed over by the reader; only the reader's thread counts them. */
    private long handedOver;
    /** Batches written out, counted by the writer under this object's lock, which {@link #flush} waits on. */
    private long written;

    /**
     * @param out     where the lines go, in the order the packets were written
     * @param threads formatting threads (the reader and writer come on top)
     */
    public ParallelPacketLines(final OutputStream out, final PacketLines.Format format, final int version,
                               final String sensor, final int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads);
        }
        this.out = out;
        final int batches = 2 * threads + 2; // each worker busy, one being filled, one being written
        this.empty = new ArrayBlockingQueue<>(batches);
        this.formatting = new ArrayBlockingQueue<>(batches);
        // Only the first batch a formatter writes may carry the CSV header: the first one the reader fills.
        filling = new Batch(format, version, sensor, true);
        for (int i = 1; i < batches; i++) {
            empty.add(new Batch(format, version, sensor, false));
        }
        final AtomicInteger workerNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            final Thread thread = new Thread(task, "ntpguard-lines-" + workerNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.writer = new Thread(this::writeInOrder, "ntpguard-lines-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Formatting threads worth starting here: one a core, the reader's core included (it mostly waits). */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Copies one packet for its line; valid only during the decoder's callback, as for {@link PacketLines}. */
    @Override
    public void write(final DecodedPacket packet) throws IOException {
        throwIfFailed();
        final Batch batch = filling;
        final int slot = batch.count++;
        batch.payloads[slot] = batch.packets[slot].copyFrom(packet, batch.payloads[slot]);
        if (batch.count == BATCH_PACKETS) {
            handOver();
        }
    }

    @Override
    public void flush() throws IOException {
        throwIfFailed();
        if (filling.count > 0) {
            handOver();
        }
        try {
            synchronized (this) {
                while (written < handedOver && failure == null) {
                    wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing lines");
        }
        throwIfFailed();
        out.flush();
    }

    @Override
    public void close() {
        writer.interrupt();
        workers.shutdownNow();
    }

    private void handOver() throws IOException {
        final Batch full = filling;
        try {
            formatting.put(workers.submit(full::format));
            handedOver++;
            Batch next;
            do {
                next = empty.poll(100, TimeUnit.MILLISECONDS);
                throwIfFailed();
            } while (next == null);
            next.count = 0;
            filling = next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing lines");
        }
    }

    private void writeInOrder() {
        try {
            while (true) {
                final Batch batch = formatting.take().get();
                batch.lines.writeTo(out);
                batch.lines.reset();
                empty.put(batch);
                synchronized (this) {
                    written++;
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            return; // closed
        } catch (ExecutionException e) {
            fail(e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (IOException e) {
            fail(e);
        }
    }

    private synchronized void fail(final IOException e) {
        failure = e;
        notifyAll();
    }

    private void throwIfFailed() throws IOException {
        final IOException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }
}
