package org.ntpguard.capture.proto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtoEnumsTest {

    @Test
    void shouldRoundTripEveryKnownCodeWhenLookingUp() {
        for (final NtpMode mode : NtpMode.values()) {
            if (NtpMode.UNKNOWN != mode) {
                assertThat(NtpMode.fromCode(mode.code())).isEqualTo(mode);
            }
        }
        for (final ControlOpcode opcode : ControlOpcode.values()) {
            if (ControlOpcode.UNKNOWN != opcode) {
                assertThat(ControlOpcode.fromCode(opcode.code())).isEqualTo(opcode);
            }
        }
        for (final PrivateRequestCode code : PrivateRequestCode.values()) {
            if (PrivateRequestCode.UNKNOWN != code) {
                assertThat(PrivateRequestCode.fromCode(code.code())).isEqualTo(code);
            }
        }
        for (final PrivateError error : PrivateError.values()) {
            if (PrivateError.UNKNOWN != error) {
                assertThat(PrivateError.fromCode(error.code())).isEqualTo(error);
            }
        }
        for (final PrivateImplementation impl : PrivateImplementation.values()) {
            if (PrivateImplementation.UNKNOWN != impl) {
                assertThat(PrivateImplementation.fromCode(impl.code())).isEqualTo(impl);
            }
        }
    }

    @Test
    void shouldReturnUnknownWhenCodeIsNotAssigned() {
        assertThat(NtpMode.fromCode(8)).isEqualTo(NtpMode.UNKNOWN);
        assertThat(ControlOpcode.fromCode(13)).isEqualTo(ControlOpcode.UNKNOWN);
        assertThat(PrivateRequestCode.fromCode(40)).isEqualTo(PrivateRequestCode.UNKNOWN);
        assertThat(PrivateRequestCode.fromCode(-1)).isEqualTo(PrivateRequestCode.UNKNOWN);
        assertThat(PrivateError.fromCode(5)).isEqualTo(PrivateError.UNKNOWN);
        assertThat(PrivateImplementation.fromCode(1)).isEqualTo(PrivateImplementation.UNKNOWN);
        assertThat(KissCode.fromCode(0x41424344)).isEqualTo(KissCode.UNKNOWN);
    }

    @Test
    void shouldMatchKeyCodesWhenLookingUpByValue() {
        assertThat(PrivateRequestCode.MON_GETLIST.code()).isEqualTo(20);
        assertThat(PrivateRequestCode.GET_KERNEL.code()).isEqualTo(38);
        assertThat(PrivateRequestCode.MON_GETLIST_1.code()).isEqualTo(42);
        assertThat(PrivateRequestCode.IF_RELOAD.code()).isEqualTo(45);
        assertThat(ControlOpcode.READ_MRU.code()).isEqualTo(10);
        assertThat(ControlOpcode.UNSETTRAP.code()).isEqualTo(31);
        assertThat(KissCode.fromCode(0x52415445)).isEqualTo(KissCode.RATE);
        assertThat(KissCode.fromCode(0x4e54534e)).isEqualTo(KissCode.NTSN);
    }
}
