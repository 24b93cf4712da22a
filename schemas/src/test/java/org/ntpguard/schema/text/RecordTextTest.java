package org.ntpguard.schema.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.NtpPrivate;
import org.ntpguard.schema.Role;

class RecordTextTest {

    private static NtpPacket clientRequest() {
        return NtpPacket.newBuilder()
                .setSensor("lab \"1\"").setTs(1_504_596_142_252_624_000L).setFrame(1)
                .setSrc(ByteBuffer.wrap(new byte[] {127, 0, 0, 1})).setDst(ByteBuffer.wrap(new byte[] {127, 0, 0, 2}))
                .setSport(32795).setDport(123).setIpVersion(4).setIpLen(76).setNtpLen(48).setFragmented(false)
                .setLi(0).setVersion(4).setMode(3).setStratum(0).setPoll(6).setPrecision(-20)
                .setRootDelay(0.0152587890625).setRootDispersion(1.0).setRefId("00000000")
                .setRefTime(0L).setOrgTime(0L).setRecTime(0L).setXmtTime(0xE95A_2C14_8000_0000L)
                .setClientAddr(ByteBuffer.wrap(new byte[] {127, 0, 0, 1}))
                .setServerAddr(ByteBuffer.wrap(new byte[] {127, 0, 0, 2}))
                .setRole(Role.REQUEST).build();
    }

    @Test
    void shouldWriteJsonWithContractNamesPlainValuesAndTextAddresses() {
        final String json = JsonLines.append(new StringBuilder(), clientRequest()).toString();

        assertThat(json)
                .startsWith("{\"sensor\":\"lab \\\"1\\\"\",\"ts\":1504596142.252624000,\"frame\":1,")
                .contains("\"src\":\"127.0.0.1\"", "\"dst\":\"127.0.0.2\"", "\"vlans\":[]", "\"tunnel\":null",
                        "\"precision\":-20", "\"rootDelay\":0.0152587890625", "\"refId\":\"00000000\"",
                        "\"kissCode\":null", "\"xmtTime\":16814800625299619840", "\"control\":null",
                        "\"role\":\"REQUEST\"")
                .endsWith("\"malformed\":null}");
    }

    @Test
    void shouldNestModeSevenHeaderAndMonlistEntriesInJson() {
        final NtpPacket packet = clientRequest();
        packet.setMode(7);
        packet.setPrivateHeader(NtpPrivate.newBuilder().setResponse(true).setMore(false).setAuth(false)
                .setSequence(0).setImplementation(3).setRequestCode(42).setError(0).setItemCount(0).setItemSize(72)
                .build());

        final String json = JsonLines.append(new StringBuilder(), packet).toString();

        assertThat(json).contains("\"privateHeader\":{\"response\":true,\"more\":false,\"auth\":false,"
                + "\"sequence\":0,\"implementation\":3,\"requestCode\":42,\"error\":0,\"itemCount\":0,"
                + "\"itemSize\":72,\"monlistEntries\":null}");
    }

    @Test
    void shouldFlattenNestedRecordsIntoDottedCsvColumnsAndLeaveAbsentCellsEmpty() {
        final CsvLines csv = new CsvLines(NtpPacket.getClassSchema());
        final String header = csv.header();
        final String row = csv.append(new StringBuilder(), clientRequest()).toString();

        assertThat(header).startsWith("sensor,ts,frame,src,dst,sport,dport,vlans,tunnel,")
                .contains(",control.opcode,", ",privateHeader.requestCode,", ",privateHeader.monlistEntries,")
                .endsWith(",clientAddr,serverAddr,role,malformed");
        assertThat(row.split(",", -1)).hasSameSizeAs(header.split(",", -1));
        assertThat(row).startsWith("\"lab \"\"1\"\"\",1504596142.252624000,1,127.0.0.1,127.0.0.2,32795,123,,,4,")
                .endsWith(",127.0.0.1,127.0.0.2,REQUEST,");
    }
}
