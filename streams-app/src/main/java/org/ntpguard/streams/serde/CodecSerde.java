package org.ntpguard.streams.serde;

import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde over a pair of plain encode/decode functions (the hand-written codecs of internal state). */
public final class CodecSerde<T> implements Serde<T> {

    private final String what;
    private final Function<T, byte[]> encode;
    private final Function<byte[], T> decode;

    public CodecSerde(final String what, final Function<T, byte[]> encode, final Function<byte[], T> decode) {
        this.what = what;
        this.encode = encode;
        this.decode = decode;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode.apply(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decode.apply(bytes);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("cannot decode " + what + " from " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
