package org.ntpguard.capture.text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.MalformedReason;
import org.ntpguard.capture.decode.MonlistEntryView;
import org.ntpguard.capture.decode.NtpControlHeader;
import org.ntpguard.capture.decode.NtpHeader;
import org.ntpguard.capture.decode.NtpMessage;
import org.ntpguard.capture.decode.NtpPrivateHeader;
import org.ntpguard.capture.decode.Tunnel;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.schema.Role;
import org.ntpguard.schema.text.IpText;

/**
 * Writes decoded packets as JSON lines or CSV rows straight from the decoder's flyweights into one reused
 * {@link LineBuffer}: the fields of the {@code NtpPacket} schema, in its order, with the values the Avro mapping
 * ({@link NtpPacketMapper}) and {@code JsonLines}/{@code CsvLines} give them, and no object per packet.
 *
 * <p>Format version 1 is that rendering exactly. Version 2 (the default) writes each 64-bit NTP timestamp as a
 * string that loses nothing, in ntpd's hex form {@code "e1d3f3a4.3a6e8c12"} (seconds.fraction), with the time it
 * stands for beside it as ISO 8601 UTC ({@code refTimeIso}, null for a zero timestamp, which RFC 5905 uses for
 * "unknown"), and root delay and dispersion as exact plain decimals instead of Java's exponent form.
 */
public final class PacketLines implements PacketLineWriter {

    /** Output syntax. Lowercase: the names are the command line's. */
    public enum Format { jsonl, csv }

    public static final int FIRST_VERSION = 1;
    public static final int CURRENT_VERSION = 2;

    /** Seconds from the NTP prime epoch (1900) to the Unix epoch (1970), RFC 5905 §6 / RFC 868. */
    static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    /** Seconds in one NTP era (2^32). */
    static final long ERA_SECONDS = 1L << 32;
    /** RFC 4330 §3: a timestamp whose most significant bit is clear lies in era 1 (from 2036-02-07 06:28:16 UTC). */
    private static final long ERA_0_BIT = 1L << 31;
    private static final int NTP_FRACTION_BITS = 32;
    private static final int SHORT_FRACTION_BITS = 16;
    private static final long SHORT_FRACTION_MASK = 0xFFFF;
    /** 5^16: a 16-bit binary fraction times 5^16 is the same fraction in 16 decimal digits (2^-16 = 5^16 / 10^16). */
    private static final long FIVE_TO_16 = 152_587_890_625L;
    private static final int SHORT_FRACTION_DIGITS = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    private static final int ISO_DATE_LENGTH = "2017-08-23T".length();

    private static final Field SENSOR = Field.of("sensor");
    private static final Field TS = Field.of("ts");
    private static final Field FRAME = Field.of("frame");
    private static final Field SRC = Field.of("src");
    private static final Field DST = Field.of("dst");
    private static final Field SPORT = Field.of("sport");
    private static final Field DPORT = Field.of("dport");
    private static final Field VLANS = Field.of("vlans");
    private static final Field TUNNEL = Field.of("tunnel");
    private static final Field IP_VERSION = Field.of("ipVersion");
    private static final Field IP_LEN = Field.of("ipLen");
    private static final Field NTP_LEN = Field.of("ntpLen");
    private static final Field FRAGMENTED = Field.of("fragmented");
    private static final Field LI = Field.of("li");
    private static final Field VERSION = Field.of("version");
    private static final Field MODE = Field.of("mode");
    private static final Field STRATUM = Field.of("stratum");
    private static final Field POLL = Field.of("poll");
    private static final Field PRECISION = Field.of("precision");
    private static final Field ROOT_DELAY = Field.of("rootDelay");
    private static final Field ROOT_DISPERSION = Field.of("rootDispersion");
    private static final Field REF_ID = Field.of("refId");
    private static final Field KISS_CODE = Field.of("kissCode");
    private static final Field REF_TIME = Field.of("refTime");
    private static final Field REF_TIME_ISO = Field.of("refTimeIso");
    private static final Field ORG_TIME = Field.of("orgTime");
    private static final Field ORG_TIME_ISO = Field.of("orgTimeIso");
    private static final Field REC_TIME = Field.of("recTime");
    private static final Field REC_TIME_ISO = Field.of("recTimeIso");
    private static final Field XMT_TIME = Field.of("xmtTime");
    private static final Field XMT_TIME_ISO = Field.of("xmtTimeIso");
    private static final Field EXTENSION_FIELDS = Field.of("extensionFields");
    private static final Field MAC_LENGTH = Field.of("macLength");
    private static final Field KEY_ID = Field.of("keyId");
    private static final Field CONTROL = Field.of("control");
    private static final Field[] CONTROL_FIELDS = nested("control",
            "response", "error", "more", "opcode", "sequence", "status", "associationId", "offset", "count");
    private static final Field PRIVATE_HEADER = Field.of("privateHeader");
    private static final Field[] PRIVATE_FIELDS = nested("privateHeader", "response", "more", "auth", "sequence",
            "implementation", "requestCode", "error", "itemCount", "itemSize", "monlistEntries");
    private static final Field[] ENTRY_FIELDS = nested("monlistEntries", "addr", "daddr", "port", "mode", "version",
            "count", "avgInterval", "lastInterval", "restrictFlags");
    private static final Field CLIENT_ADDR = Field.of("clientAddr");
    private static final Field SERVER_ADDR = Field.of("serverAddr");
    private static final Field ROLE = Field.of("role");
    private static final Field MALFORMED = Field.of("malformed");

    private static final KissCode[] KISS_CODES = KissCode.values();

    private final LineBuffer line;
    private final LineSyntax syntax;
    private final int version;
    private final boolean csv;
    private final byte[] sensor;
    private final byte[][] roles;
    private final byte[][] tunnels;
    private final byte[][] malformedReasons;
    private final byte[][] kissCodes;
    private final byte[] address = new byte[DecodedPacket.IPV6_ADDRESS_LENGTH];
    /** The date part of the last ISO time written ("2017-08-23T"): timestamps of one capture share a few days. */
    private final byte[] isoDate = new byte[ISO_DATE_LENGTH];
    private long isoDateDay = Long.MIN_VALUE;
    private boolean headerWritten;

    /**
     * @param out     where the lines go, in writes of about {@link LineBuffer#FLUSH_THRESHOLD} bytes
     * @param version {@link #FIRST_VERSION} or {@link #CURRENT_VERSION}
     * @param sensor  the sensor name every line carries
     */
    public PacketLines(final OutputStream out, final Format format, final int version, final String sensor) {
        if (version < FIRST_VERSION || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("format version " + version + " (expected: " + FIRST_VERSION
                    + " ~ " + CURRENT_VERSION + ")");
        }
        this.line = new LineBuffer(out);
        this.csv = format == Format.csv;
        this.syntax = csv ? new CsvSyntax(line) : new JsonSyntax(line);
        this.version = version;
        this.sensor = syntax.encode(sensor);
        this.roles = new byte[Role.values().length][];
        for (final Role role : Role.values()) {
            roles[role.ordinal()] = syntax.encode(role.name());
        }
        this.tunnels = new byte[Tunnel.values().length][];
        for (final Tunnel tunnel : Tunnel.values()) {
            tunnels[tunnel.ordinal()] = tunnel.label() == null ? null : syntax.encode(tunnel.label());
        }
        this.malformedReasons = new byte[MalformedReason.values().length][];
        for (final MalformedReason reason : MalformedReason.values()) {
            malformedReasons[reason.ordinal()] = syntax.encode(reason.text());
        }
        this.kissCodes = new byte[KISS_CODES.length][];
        for (final KissCode code : KISS_CODES) {
            kissCodes[code.ordinal()] = code.code() == 0 ? null : syntax.encode(KissCode.text(code.code()));
        }
    }

    /** The CSV header line of a format version (no newline). */
    public static String csvHeader(final int version) {
        return String.join(",", columns(version));
    }

    /** The CSV columns of a format version, in order. */
    public static List<String> columns(final int version) {
        final List<String> columns = new ArrayList<>();
        for (final Field field : new Field[] {SENSOR, TS, FRAME, SRC, DST, SPORT, DPORT, VLANS, TUNNEL, IP_VERSION,
            IP_LEN, NTP_LEN, FRAGMENTED, LI, VERSION, MODE, STRATUM, POLL, PRECISION, ROOT_DELAY, ROOT_DISPERSION,
            REF_ID, KISS_CODE}) {
            columns.add(field.column);
        }
        for (final Field[] time : new Field[][] {
            {REF_TIME, REF_TIME_ISO}, {ORG_TIME, ORG_TIME_ISO}, {REC_TIME, REC_TIME_ISO}, {XMT_TIME, XMT_TIME_ISO}}) {
            columns.add(time[0].column);
            if (version >= 2) {
                columns.add(time[1].column);
            }
        }
        for (final Field field : new Field[] {EXTENSION_FIELDS, MAC_LENGTH, KEY_ID}) {
            columns.add(field.column);
        }
        for (final Field field : CONTROL_FIELDS) {
            columns.add(field.column);
        }
        for (final Field field : PRIVATE_FIELDS) {
            columns.add(field.column);
        }
        for (final Field field : new Field[] {CLIENT_ADDR, SERVER_ADDR, ROLE, MALFORMED}) {
            columns.add(field.column);
        }
        return columns;
    }

    /** Writes one packet as a line (after the header, for CSV). Valid only during the decoder's callback. */
    @Override
    public void write(final DecodedPacket packet) throws IOException {
        if (csv && !headerWritten) {
            line.put(csvHeader(version).getBytes(StandardCharsets.US_ASCII));
            line.endLine();
            headerWritten = true;
        }
        final NtpMessage ntp = packet.ntp();
        final Role role = ntp.role();
        final boolean clientIsSource = NtpPacketMapper.clientIsSource(packet, ntp, role);
        syntax.beginLine();
        syntax.field(SENSOR);
        line.put(sensor);
        syntax.field(TS);
        epochNanos(packet.timestampNanos());
        syntax.field(FRAME);
        line.putDecimal(packet.frameNumber());
        syntax.field(SRC);
        address(packet, true);
        syntax.field(DST);
        address(packet, false);
        syntax.field(SPORT);
        line.putDecimal(packet.sourcePort());
        syntax.field(DPORT);
        line.putDecimal(packet.destinationPort());
        syntax.field(VLANS);
        vlans(packet);
        syntax.field(TUNNEL);
        text(tunnels[packet.tunnel().ordinal()]);
        syntax.field(IP_VERSION);
        line.putDecimal(packet.ipVersion());
        syntax.field(IP_LEN);
        line.putDecimal(packet.ipLength());
        syntax.field(NTP_LEN);
        line.putDecimal(packet.ntpLength());
        syntax.field(FRAGMENTED);
        line.putBoolean(packet.fragmented());
        syntax.field(LI);
        line.putDecimal(ntp.li());
        syntax.field(VERSION);
        line.putDecimal(ntp.version());
        syntax.field(MODE);
        line.putDecimal(ntp.mode());
        standardHeader(ntp);
        syntax.field(EXTENSION_FIELDS);
        line.putDecimal(ntp.extensionFields());
        syntax.field(MAC_LENGTH);
        line.putDecimal(ntp.macLength());
        syntax.field(KEY_ID);
        if (ntp.hasMac()) {
            line.putDecimal(ntp.keyId());
        } else {
            syntax.nullValue();
        }
        control(ntp);
        privateHeader(ntp);
        syntax.field(CLIENT_ADDR);
        address(packet, clientIsSource);
        syntax.field(SERVER_ADDR);
        address(packet, !clientIsSource);
        syntax.field(ROLE);
        line.put(roles[role.ordinal()]);
        syntax.field(MALFORMED);
        text(packet.malformed() == null ? null : malformedReasons[packet.malformed().ordinal()]);
        syntax.endLine();
    }

    /** No CSV header line: for formatters whose lines follow another's (the later batches of {@link ParallelPacketLines}). */
    void omitHeader() {
        headerWritten = true;
    }

    /** Writes out what is buffered. */
    @Override
    public void flush() throws IOException {
        line.flush();
    }

    private void standardHeader(final NtpMessage ntp) {
        final boolean present = ntp.hasStandardHeader();
        final NtpHeader header = ntp.header();
        syntax.field(STRATUM);
        nullableInt(present, present ? header.stratum() : 0);
        syntax.field(POLL);
        nullableInt(present, present ? header.poll() : 0);
        syntax.field(PRECISION);
        nullableInt(present, present ? header.precision() : 0);
        syntax.field(ROOT_DELAY);
        shortFormat(present, present ? header.rootDelayRaw() : 0);
        syntax.field(ROOT_DISPERSION);
        shortFormat(present, present ? header.rootDispersionRaw() : 0);
        syntax.field(REF_ID);
        if (present) {
            syntax.quote();
            line.putHex(header.refId(), 8);
            syntax.quote();
        } else {
            syntax.nullValue();
        }
        syntax.field(KISS_CODE);
        if (present && ntp.isKissOfDeath()) {
            kissCode(header.kissCodeRaw());
        } else {
            syntax.nullValue();
        }
        timestamp(present, REF_TIME, REF_TIME_ISO, present ? header.refTime() : 0);
        timestamp(present, ORG_TIME, ORG_TIME_ISO, present ? header.orgTime() : 0);
        timestamp(present, REC_TIME, REC_TIME_ISO, present ? header.recTime() : 0);
        timestamp(present, XMT_TIME, XMT_TIME_ISO, present ? header.xmtTime() : 0);
    }

    private void control(final NtpMessage ntp) {
        syntax.recordField(CONTROL);
        if (!ntp.hasControl()) {
            syntax.nullRecord(CONTROL_FIELDS);
            return;
        }
        final NtpControlHeader control = ntp.control();
        final Field[] fields = CONTROL_FIELDS;
        syntax.beginRecord();
        syntax.field(fields[0]);
        line.putBoolean(control.response());
        syntax.field(fields[1]);
        line.putBoolean(control.error());
        syntax.field(fields[2]);
        line.putBoolean(control.more());
        syntax.field(fields[3]);
        line.putDecimal(control.opcode());
        syntax.field(fields[4]);
        line.putDecimal(control.sequence());
        syntax.field(fields[5]);
        line.putDecimal(control.status());
        syntax.field(fields[6]);
        line.putDecimal(control.associationId());
        syntax.field(fields[7]);
        line.putDecimal(control.offset());
        syntax.field(fields[8]);
        line.putDecimal(control.count());
        syntax.endRecord();
    }

    private void privateHeader(final NtpMessage ntp) {
        syntax.recordField(PRIVATE_HEADER);
        if (!ntp.hasPrivate()) {
            syntax.nullRecord(PRIVATE_FIELDS);
            return;
        }
        final NtpPrivateHeader header = ntp.privateHeader();
        final Field[] fields = PRIVATE_FIELDS;
        syntax.beginRecord();
        syntax.field(fields[0]);
        line.putBoolean(header.response());
        syntax.field(fields[1]);
        line.putBoolean(header.more());
        syntax.field(fields[2]);
        line.putBoolean(header.auth());
        syntax.field(fields[3]);
        line.putDecimal(header.sequence());
        syntax.field(fields[4]);
        line.putDecimal(header.implementation());
        syntax.field(fields[5]);
        line.putDecimal(header.requestCode());
        syntax.field(fields[6]);
        line.putDecimal(header.error());
        syntax.field(fields[7]);
        line.putDecimal(header.itemCount());
        syntax.field(fields[8]);
        line.putDecimal(header.itemSize());
        syntax.field(fields[9]);
        if (ntp.isMonlistResponse()) {
            monlistEntries(ntp);
        } else {
            syntax.nullValue();
        }
        syntax.endRecord();
    }

    private void monlistEntries(final NtpMessage ntp) {
        final Field[] fields = ENTRY_FIELDS;
        syntax.beginArray();
        final int count = ntp.monlistEntryCount();
        for (int i = 0; i < count && ntp.wrapEntry(i); i++) {
            if (i > 0) {
                syntax.arraySeparator();
            }
            final MonlistEntryView entry = ntp.monlistEntry();
            syntax.beginEntry();
            syntax.entryField(fields[0]);
            address(entry.address(address));
            if (entry.hasLocalAddress()) {
                syntax.entryField(fields[1]);
                address(entry.localAddress(address));
            } else {
                syntax.entryNull(fields[1]);
            }
            syntax.entryField(fields[2]);
            line.putDecimal(entry.port());
            syntax.entryField(fields[3]);
            line.putDecimal(entry.mode());
            syntax.entryField(fields[4]);
            line.putDecimal(entry.version());
            syntax.entryField(fields[5]);
            line.putDecimal(entry.count());
            syntax.entryField(fields[6]);
            line.putDecimal(entry.avgInterval());
            syntax.entryField(fields[7]);
            line.putDecimal(entry.lastInterval());
            syntax.entryField(fields[8]);
            line.putDecimal(entry.restrictFlags());
            syntax.endEntry();
        }
        syntax.endArray();
    }

    private void vlans(final DecodedPacket packet) {
        syntax.beginArray();
        for (int i = 0; i < packet.vlanCount(); i++) {
            if (i > 0) {
                syntax.arraySeparator();
            }
            line.putDecimal(packet.vlan(i));
        }
        syntax.endArray();
    }

    private void text(final byte[] encoded) {
        if (encoded == null) {
            syntax.nullValue();
        } else {
            line.put(encoded);
        }
    }

    private void nullableInt(final boolean present, final int value) {
        if (present) {
            line.putDecimal(value);
        } else {
            syntax.nullValue();
        }
    }

    private void kissCode(final int refId) {
        final KissCode known = KissCode.fromCode(refId);
        final byte[] encoded = kissCodes[known.ordinal()];
        // A code no RFC lists is rare enough to be encoded when seen.
        line.put(encoded != null ? encoded : syntax.encode(KissCode.text(refId)));
    }

    /** Capture time as decimal seconds with 9 fraction digits (the schema's {@code epochNanos} text format). */
    private void epochNanos(final long nanos) {
        line.putDecimal(Math.floorDiv(nanos, NANOS_PER_SECOND));
        line.put('.');
        line.putDigits(Math.floorMod(nanos, NANOS_PER_SECOND), 9);
    }

    /** An RFC 5905 short-format (16.16) value in seconds. */
    private void shortFormat(final boolean present, final long raw) {
        if (!present) {
            syntax.nullValue();
        } else if (version == FIRST_VERSION) {
            line.putAscii(Double.toString(raw / (double) (1 << SHORT_FRACTION_BITS))); // version 1's Java form
        } else {
            line.putDecimal(raw >>> SHORT_FRACTION_BITS);
            line.put('.');
            final int start = line.length();
            line.putDigits((raw & SHORT_FRACTION_MASK) * FIVE_TO_16, SHORT_FRACTION_DIGITS);
            line.trimTrailingZeros(start, 1);
        }
    }

    private void timestamp(final boolean present, final Field raw, final Field iso, final long value) {
        syntax.field(raw);
        if (!present) {
            syntax.nullValue();
        } else if (version == FIRST_VERSION) {
            line.putUnsignedDecimal(value);
        } else {
            syntax.quote();
            line.putHex(value >>> NTP_FRACTION_BITS, 8);
            line.put('.');
            line.putHex(value, 8);
            syntax.quote();
        }
        if (version == FIRST_VERSION) {
            return;
        }
        syntax.field(iso);
        if (!present || value == 0) {
            syntax.nullValue();
        } else {
            syntax.quote();
            isoInstant(value);
            syntax.quote();
        }
    }

    /** The UTC time of a 64-bit NTP timestamp, {@code 2017-08-23T13:21:56.928478999Z}, fraction truncated to ns. */
    private void isoInstant(final long ntpTimestamp) {
        final long ntpSeconds = ntpTimestamp >>> NTP_FRACTION_BITS;
        final long era = (ntpSeconds & ERA_0_BIT) != 0 ? 0 : ERA_SECONDS;
        final long unixSeconds = ntpSeconds + era - NTP_UNIX_OFFSET_SECONDS;
        final long nanos = ((ntpTimestamp & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> NTP_FRACTION_BITS;
        final long days = Math.floorDiv(unixSeconds, SECONDS_PER_DAY);
        final int secondOfDay = (int) Math.floorMod(unixSeconds, SECONDS_PER_DAY);
        if (days != isoDateDay) {
            isoDate(days);
        }
        line.put(isoDate);
        line.putDigits(secondOfDay / 3600, 2);
        line.put(':');
        line.putDigits(secondOfDay / 60 % 60, 2);
        line.put(':');
        line.putDigits(secondOfDay % 60, 2);
        line.put('.');
        line.putDigits((int) nanos, 9);
        line.put('Z');
    }

    /** Keeps "YYYY-MM-DDT" of a day since 1970-01-01 in {@link #isoDate}. */
    private void isoDate(final long days) {
        // Civil date from days (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
        final long z = days + 719_468;
        final long era400 = Math.floorDiv(z, 146_097);
        final long dayOfEra = z - era400 * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long shiftedMonth = (5 * dayOfYear + 2) / 153;
        final long day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        final long month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        final long year = yearOfEra + era400 * 400 + (month <= 2 ? 1 : 0);
        digits(isoDate, 0, (int) year, 4);
        isoDate[4] = '-';
        digits(isoDate, 5, (int) month, 2);
        isoDate[7] = '-';
        digits(isoDate, 8, (int) day, 2);
        isoDate[10] = 'T';
        isoDateDay = days;
    }

    private static void digits(final byte[] target, final int at, final int value, final int width) {
        int rest = value;
        for (int i = at + width - 1; i >= at; i--) {
            target[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
    }

    private void address(final DecodedPacket packet, final boolean source) {
        address(source ? packet.source(address) : packet.destination(address));
    }

    /** The first {@code length} bytes of {@link #address}; IPv6 in RFC 5952 form, as {@link IpText} writes it. */
    private void address(final int length) {
        syntax.quote();
        if (length == DecodedPacket.IPV4_ADDRESS_LENGTH) {
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    line.put('.');
                }
                line.putDecimal(address[i] & 0xFF);
            }
        } else {
            line.putIpv6(address);
        }
        syntax.quote();
    }

    private static Field[] nested(final String record, final String... names) {
        final Field[] fields = new Field[names.length];
        for (int i = 0; i < names.length; i++) {
            fields[i] = Field.nested(record, names[i]);
        }
        return fields;
    }
}
