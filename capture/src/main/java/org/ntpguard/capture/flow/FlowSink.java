package org.ntpguard.capture.flow;

import java.io.IOException;

/** Takes the flows of an interval as the {@link FlowCombiner} closes them. */
@FunctionalInterface
public interface FlowSink {

    void accept(FlowInterval flows) throws IOException;
}
