package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;

/**
 * Everything the decoder found in one frame, in primitives: allocated once per decoder and overwritten for every
 * frame. The NTP layer is read through {@link #ntp()}, a flyweight over the frame's own bytes, so this object is
 * valid only until the next frame is decoded; the Avro event is built from it at the publishing edge.
 */
public final class DecodedPacket {

    /** Deepest VLAN stack kept (QinQ in a tunnel in QinQ is 4; more is hostile). */
    public static final int MAX_VLANS = 8;
    public static final int IPV4_ADDRESS_LENGTH = 4;
    public static final int IPV6_ADDRESS_LENGTH = 16;

    private final byte[] source = new byte[IPV6_ADDRESS_LENGTH];
    private final byte[] destination = new byte[IPV6_ADDRESS_LENGTH];
    private final int[] vlans = new int[MAX_VLANS];
    private final NtpMessage ntp = new NtpMessage();

    private long timestampNanos;
    private long frameNumber;
    private long fileOffset;
    private int vlanCount;
    private Tunnel tunnel;
    private int ipVersion;
    private int ipLength;
    private int sourcePort;
    private int destinationPort;
    private int ntpLength;
    private boolean fragmented;
    private MalformedReason malformed;
    private FrameDefect defect;
    private long defectActual;
    private long defectExpected;
    private int defectFrameOffset;

    void reset(final long timestampNanos, final long frameNumber, final long fileOffset) {
        this.timestampNanos = timestampNanos;
        this.frameNumber = frameNumber;
        this.fileOffset = fileOffset;
        vlanCount = 0;
        tunnel = Tunnel.NONE;
        ipVersion = 0;
        ipLength = 0;
        sourcePort = 0;
        destinationPort = 0;
        ntpLength = 0;
        fragmented = false;
        malformed = null;
        defect = null;
    }

    boolean addVlan(final int vlanId) {
        if (vlanCount == MAX_VLANS) {
            return false;
        }
        vlans[vlanCount++] = vlanId;
        return true;
    }

    void tunnel(final Tunnel tunnel) {
        this.tunnel = tunnel;
    }

    void ip(final int version, final int length, final ByteBuffer buffer, final int sourceIndex,
            final int destinationIndex) {
        ipVersion = version;
        ipLength = length;
        final int addressLength = version == 4 ? IPV4_ADDRESS_LENGTH : IPV6_ADDRESS_LENGTH;
        buffer.get(sourceIndex, source, 0, addressLength);
        buffer.get(destinationIndex, destination, 0, addressLength);
    }

    void udp(final int sourcePort, final int destinationPort, final int ntpLength, final boolean fragmented) {
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        this.ntpLength = ntpLength;
        this.fragmented = fragmented;
    }

    void malformed(final MalformedReason reason) {
        malformed = reason;
    }

    DecodeResult defect(final DecodeResult result, final FrameDefect defect, final long actual, final long expected,
                        final int frameOffset) {
        this.defect = defect;
        this.defectActual = actual;
        this.defectExpected = expected;
        this.defectFrameOffset = frameOffset;
        return result;
    }

    public long timestampNanos() {
        return timestampNanos;
    }

    public long frameNumber() {
        return frameNumber;
    }

    /** Byte offset of the frame's record in its file, -1 when live. */
    public long fileOffset() {
        return fileOffset;
    }

    public int vlanCount() {
        return vlanCount;
    }

    /** VLAN id at {@code index}, outermost first. */
    public int vlan(final int index) {
        return vlans[index];
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /** IP datagram length from its header: IPv4 total length, IPv6 40 + payload length. */
    public int ipLength() {
        return ipLength;
    }

    public int addressLength() {
        return ipVersion == 4 ? IPV4_ADDRESS_LENGTH : IPV6_ADDRESS_LENGTH;
    }

    /** Copies the source address into {@code target} and returns its length, 4 or 16. */
    public int source(final byte[] target) {
        System.arraycopy(source, 0, target, 0, addressLength());
        return addressLength();
    }

    /** Copies the destination address into {@code target} and returns its length, 4 or 16. */
    public int destination(final byte[] target) {
        System.arraycopy(destination, 0, target, 0, addressLength());
        return addressLength();
    }

    /** Byte {@code index} of the source address, for comparisons without copying. */
    public byte sourceByte(final int index) {
        return source[index];
    }

    public byte destinationByte(final int index) {
        return destination[index];
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** NTP length from the UDP header (UDP length - 8). */
    public int ntpLength() {
        return ntpLength;
    }

    public boolean fragmented() {
        return fragmented;
    }

    /** The NTP layer, valid after a {@link DecodeResult#NTP} result until the next frame. */
    public NtpMessage ntp() {
        return ntp;
    }

    /** Null, or why the NTP payload is not valid NTP. */
    public MalformedReason malformed() {
        return malformed;
    }

    /** Why the frame was {@link DecodeResult#TRUNCATED}, {@link DecodeResult#MALFORMED} or unsupported; else null. */
    public FrameDefect defect() {
        return defect;
    }

    /** Offset in the frame where the defective header starts. */
    public int defectFrameOffset() {
        return defectFrameOffset;
    }

    /**
     * Makes this packet a copy of {@code other}, NTP bytes included, so that it stays valid after the decoder has
     * moved on: for work handed to another thread (decode's formatting workers). The copy's NTP layer is a
     * flyweight over {@code payload}, a buffer owned by the caller and grown here when the datagram does not fit.
     *
     * @return the buffer the NTP layer now reads: {@code payload} or a larger one that replaces it
     */
    public ByteBuffer copyFrom(final DecodedPacket other, final ByteBuffer payload) {
        timestampNanos = other.timestampNanos;
        frameNumber = other.frameNumber;
        fileOffset = other.fileOffset;
        vlanCount = other.vlanCount;
        System.arraycopy(other.vlans, 0, vlans, 0, other.vlanCount);
        tunnel = other.tunnel;
        ipVersion = other.ipVersion;
        ipLength = other.ipLength;
        System.arraycopy(other.source, 0, source, 0, IPV6_ADDRESS_LENGTH);
        System.arraycopy(other.destination, 0, destination, 0, IPV6_ADDRESS_LENGTH);
        sourcePort = other.sourcePort;
        destinationPort = other.destinationPort;
        ntpLength = other.ntpLength;
        fragmented = other.fragmented;
        malformed = other.malformed;
        defect = other.defect;
        defectActual = other.defectActual;
        defectExpected = other.defectExpected;
        defectFrameOffset = other.defectFrameOffset;
        return ntp.copyFrom(other.ntp, payload);
    }

    /** The slow-path description of {@link #defect()}: "what: actual (expected: ...)". */
    public String describeDefect() {
        return defect == null ? null : defect.describe(defectActual, defectExpected);
    }
}
