package org.ntpguard.streams.serde;

import org.apache.kafka.common.serialization.Serde;
import org.ntpguard.streams.detect.ClientWindow;
import java.util.List;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.detect.ServerWindow;

/** Serdes of the detector's internal records: repartition topics and state stores, never a public contract. */
public final class StateSerdes {

    private StateSerdes() {
    }

    /** The flows of one input batch bound for one partition of the repartition by server. */
    public static Serde<List<PairFlow>> flowList() {
        return new CodecSerde<>("flow list", FlowListCodec::encode, FlowListCodec::decode);
    }

    public static Serde<ClientWindow> clientWindow() {
        return new CodecSerde<>("client window", ClientWindowCodec::encode, ClientWindowCodec::decode);
    }

    public static Serde<ServerWindow> serverWindow() {
        return new CodecSerde<>("server window", ServerWindowCodec::encode, ServerWindowCodec::decode);
    }
}
