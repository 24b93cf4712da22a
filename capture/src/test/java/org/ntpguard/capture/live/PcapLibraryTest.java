package org.ntpguard.capture.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** libpcap must load here: CI installs libpcap0.8, which has no unversioned libpcap.so. */
class PcapLibraryTest {

    @Test
    void shouldTryVersionedSonamesWhenUnversionedLibraryIsMissing() {
        assertThat(PcapLibrary.candidates())
                .startsWith("pcap")
                .contains("libpcap.so.0.8", "libpcap.so.1")
                .anyMatch(path -> path.startsWith("/") && path.endsWith("/libpcap.so.0.8"));
    }

    @Test
    void shouldTellPcap4jWhichLibraryLoadedWhenLoaded() throws Exception {
        // when
        final String loaded = PcapLibrary.load();

        // then
        assertThat(System.getProperty(PcapLibrary.PROPERTY)).isEqualTo(loaded);
        assertThat(PcapLibrary.load()).isEqualTo(loaded);
    }
}
