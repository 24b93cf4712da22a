package org.ntpguard.streams.serde;

import org.apache.kafka.common.serialization.Serde;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.ServerWindow;

/** Serdes of the detector's internal records: repartition topics and state stores, never a public contract. */
public final class StateSerdes {

    private StateSerdes() {
    }

    public static Serde<PacketEvent> packetEvent() {
        return new CodecSerde<>("packet event", PacketEventCodec::encode, PacketEventCodec::decode);
    }

    public static Serde<ClientWindow> clientWindow() {
        return new CodecSerde<>("client window", ClientWindowCodec::encode, ClientWindowCodec::decode);
    }

    public static Serde<ServerWindow> serverWindow() {
        return new CodecSerde<>("server window", ServerWindowCodec::encode, ServerWindowCodec::decode);
    }
}
