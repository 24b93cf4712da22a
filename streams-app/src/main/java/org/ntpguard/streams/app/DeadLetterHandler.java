package org.ntpguard.streams.app;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own log-and-continue deserialization handler, whose dead-letter records (KIP-1034:
 * {@code errors.dead.letter.queue.topic.name}, headers {@code __streams.errors.topic/partition/offset/exception/
 * message/stacktrace}) go out in the task's transaction, plus a count and a log line once per distinct error.
 */
public final class DeadLetterHandler extends LogAndContinueExceptionHandler {

    /** Config key carrying the {@link AtomicLong} the handler counts into (an object, not a string). */
    public static final String COUNTER_CONFIG = "ntpguard.app.dead.letter.counter";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private AtomicLong counter = new AtomicLong();

    @Override
    public void configure(final Map<String, ?> configs) {
        super.configure(configs);
        if (configs.get(COUNTER_CONFIG) instanceof AtomicLong shared) {
            counter = shared;
        }
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        counter.incrementAndGet();
        final String distinct = record.topic() + ": " + exception.getClass().getName() + ": " + exception.getMessage();
        if (SEEN.add(distinct)) {
            LOG.warn("undecodable record at {}-{}@{} sent to the dead-letter topic ({}; further ones are only "
                    + "counted)", record.topic(), record.partition(), record.offset(), distinct);
        }
        return super.handleError(context, record, exception);
    }
}
