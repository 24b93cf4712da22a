package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;
import org.ntpguard.capture.proto.PrivateRequestCode;
import org.ntpguard.schema.Role;

/**
 * The NTP layer of one UDP datagram on port 123: a flyweight over the payload bytes, re-pointed with {@link #wrap}
 * for every packet, allocated once per decoder thread. {@link #wrap} and every accessor allocate nothing.
 *
 * <p>The first byte is common to all modes: {@code LI|VN|Mode} for modes 0-6 (RFC 5905 §7.3, RFC 9327 §2),
 * {@code R|M|VN|Mode} for mode 7 (ntpd include/ntp_request.h). The rest depends on the mode:
 * <ul>
 * <li>modes 0-5: the 48-byte {@link NtpHeader}, then RFC 7822 extension fields (NTPv4 only) and an optional MAC
 *     (key id + digest, RFC 5905 §7.3);</li>
 * <li>mode 6: the 12-byte {@link NtpControlHeader} and {@code count} data bytes;</li>
 * <li>mode 7: the 8-byte {@link NtpPrivateHeader} and {@code itemCount × itemSize} item bytes; monlist entries
 *     through {@link #wrapEntry(int)}.</li>
 * </ul>
 *
 * <p>Lengths: {@code declaredLength} (UDP length − 8) decides validity; {@code availableLength} (what the capture
 * holds) decides what can be read. Fields beyond the available bytes are absent, not malformed, unless even the fixed
 * header is cut ({@link MalformedReason#HEADER_CUT_BY_SNAPLEN}).
 */
public final class NtpMessage {
    /** RFC 7822 §3: type (16) + length (16) + at least 12 bytes of value/padding. */
    public static final int MIN_EXTENSION_FIELD_LENGTH = 16;
    public static final int EXTENSION_FIELD_TYPE_OFFSET = 0;
    public static final int EXTENSION_FIELD_LENGTH_OFFSET = 2;
    /** RFC 5905 §7.3: the MAC starts with a 32-bit key identifier. */
    public static final int KEY_ID_LENGTH = 4;
    /** A crypto-NAK: key id only (RFC 5905 §7.3 / ntpd). */
    public static final int CRYPTO_NAK_LENGTH = KEY_ID_LENGTH;
    /** NTPv3 DES-CBC authenticator: key id + 8 bytes (RFC 1305 Appendix C). */
    public static final int DES_MAC_LENGTH = KEY_ID_LENGTH + 8;
    /** Key id + 16-byte MD5 (or AES-CMAC) digest. */
    public static final int MD5_MAC_LENGTH = KEY_ID_LENGTH + 16;
    /** Key id + 20-byte SHA1 digest; ntpd's MAX_MAC_LEN. */
    public static final int SHA1_MAC_LENGTH = KEY_ID_LENGTH + 20;

    /** RFC 8915 §5.3: NTS Unique Identifier extension field. */
    public static final int NTS_UNIQUE_IDENTIFIER = 0x0104;
    /** RFC 8915 §5.4: NTS Cookie extension field. */
    public static final int NTS_COOKIE = 0x0204;
    /** RFC 8915 §5.5: NTS Cookie Placeholder extension field. */
    public static final int NTS_COOKIE_PLACEHOLDER = 0x0304;
    /** RFC 8915 §5.6: NTS Authenticator and Encrypted Extension Fields extension field. */
    public static final int NTS_AUTHENTICATOR = 0x0404;

    private static final int MODE_CONTROL = 6;
    private static final int MODE_PRIVATE = 7;
    private static final int MAX_VERSION = 4;

    private final NtpHeader header = new NtpHeader();
    private final NtpControlHeader control = new NtpControlHeader();
    private final NtpPrivateHeader privateHeader = new NtpPrivateHeader();
    private final MonlistEntryView entry = new MonlistEntryView();

    private ByteBuffer buffer;
    private int offset;
    private int availableLength;
    private int declaredLength;
    private int firstByte;
    private MalformedReason reason;
    private boolean hasStandardHeader;
    private boolean hasControl;
    private boolean hasPrivate;
    private int extensionFields;
    private int ntsExtensionFields;
    private int macLength;
    private long keyId;
    private boolean trailerComplete;
    private int detailActual;
    private int detailExpected;
    private int detailOffset;

    /**
     * Re-points this message at a UDP payload and validates it.
     *
     * @param buffer          the frame's buffer (absolute reads only; its position, limit and order are untouched)
     * @param offset          index of the first NTP byte
     * @param availableLength NTP bytes actually present in the buffer (captured, and no more than UDP declares)
     * @param declaredLength  NTP length the UDP header declares (UDP length - 8)
     * @return null when the payload is valid NTP, else why it is not
     * @throws IllegalArgumentException when offset/availableLength do not fit the buffer (a caller bug)
     */
    public MalformedReason wrap(final ByteBuffer buffer, final int offset, final int availableLength,
                                final int declaredLength) {
        if (offset < 0 || availableLength < 0 || offset + availableLength > buffer.capacity()) {
            throw new IllegalArgumentException("offset=" + offset + " length=" + availableLength
                + " capacity=" + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.availableLength = availableLength;
        this.declaredLength = Math.max(declaredLength, availableLength);
        this.firstByte = availableLength > 0 ? Bytes.u8(buffer, offset) : 0;
        this.hasStandardHeader = false;
        this.hasControl = false;
        this.hasPrivate = false;
        this.extensionFields = 0;
        this.ntsExtensionFields = 0;
        this.macLength = 0;
        this.keyId = -1L;
        this.trailerComplete = true;
        this.detailActual = 0;
        this.detailExpected = 0;
        this.detailOffset = 0;
        this.reason = decode();
        return reason;
    }

    /**
     * Re-points this message at a copy of {@code other}'s bytes in {@code payload} (grown when they do not fit) and
     * validates it again, which gives the same result: the validation reads nothing but those bytes and lengths.
     *
     * @return the buffer now read: {@code payload} or its larger replacement
     */
    ByteBuffer copyFrom(final NtpMessage other, final ByteBuffer payload) {
        if (other.buffer == null) {
            buffer = null;
            return payload;
        }
        final ByteBuffer target = payload.capacity() >= other.availableLength ? payload
            : ByteBuffer.allocate(Math.max(other.availableLength, 2 * payload.capacity()));
        target.order(other.buffer.order());
        target.put(0, other.buffer, other.offset, other.availableLength);
        wrap(target, 0, other.availableLength, other.declaredLength);
        return target;
    }

    private MalformedReason decode() {
        if (0 == this.declaredLength) {
            return MalformedReason.EMPTY;
        }
        if (0 == availableLength) {
            detailExpected = 1;
            return MalformedReason.HEADER_CUT_BY_SNAPLEN;
        }
        final int version = version();
        final MalformedReason versionReason = 0 == version ? MalformedReason.VERSION_ZERO
            : version > MAX_VERSION ? MalformedReason.UNKNOWN_VERSION : null;
        final int mode = mode();
        final int headerLength = mode == MODE_CONTROL ? NtpControlHeader.LENGTH
            : mode == MODE_PRIVATE ? NtpPrivateHeader.LENGTH : NtpHeader.LENGTH;
        if (availableLength < headerLength) {
            if (null != versionReason) {
                return versionReason;
            }
            detailActual = declaredLength < headerLength ? declaredLength : availableLength;
            detailExpected = headerLength;
            if (declaredLength >= headerLength) {
                return MalformedReason.HEADER_CUT_BY_SNAPLEN;
            }
            return mode == MODE_CONTROL ? MalformedReason.SHORT_CONTROL_HEADER
                : mode == MODE_PRIVATE ? MalformedReason.SHORT_PRIVATE_HEADER : MalformedReason.SHORT_STANDARD_HEADER;
        }
        final MalformedReason structureReason;
        if (mode == MODE_CONTROL) {
            control.wrap(buffer, offset);
            hasControl = true;
            structureReason = checkControl();
        } else if (mode == MODE_PRIVATE) {
            privateHeader.wrap(buffer, offset);
            hasPrivate = true;
            structureReason = checkPrivate();
        } else {
            header.wrap(buffer, offset);
            hasStandardHeader = true;
            structureReason = walkTrailer(version);
            header.cryptoNak(isCryptoNak());
        }
        return null != versionReason ? versionReason : structureReason;
    }

    private MalformedReason checkControl() {
        final int count = control.count();
        if (NtpControlHeader.LENGTH + count > declaredLength) {
            detailActual = count;
            detailExpected = declaredLength - NtpControlHeader.LENGTH;
            return MalformedReason.CONTROL_COUNT_OVERRUN;
        }
        return null;
    }

    private MalformedReason checkPrivate() {
        final int items = privateHeader.itemCount() * privateHeader.itemSize();
        if (NtpPrivateHeader.LENGTH + items > declaredLength) {
            detailActual = items;
            detailExpected = declaredLength - NtpPrivateHeader.LENGTH;
            return MalformedReason.PRIVATE_ITEMS_OVERRUN;
        }
        return null;
    }

    /** Extension fields (NTPv4, RFC 7822 §7.5) and MAC after the 48-byte header. */
    private MalformedReason walkTrailer(final int version) {
        int position = NtpHeader.LENGTH;
        int remaining = declaredLength - NtpHeader.LENGTH;
        if (version >= MAX_VERSION) {
            while (remaining > 0 && !isMacLength(remaining, version)) {
                if (remaining < MIN_EXTENSION_FIELD_LENGTH) {
                    return badTrailer(position, remaining);
                }
                if (position + MIN_EXTENSION_FIELD_LENGTH > availableLength) {
                    trailerComplete = false;
                    return null;
                }
                final int type = Bytes.u16(buffer, offset + position + EXTENSION_FIELD_TYPE_OFFSET);
                final int length = Bytes.u16(buffer, offset + position + EXTENSION_FIELD_LENGTH_OFFSET);
                detailOffset = position;
                detailActual = length;
                if (length < MIN_EXTENSION_FIELD_LENGTH) {
                    detailExpected = MIN_EXTENSION_FIELD_LENGTH;
                    return MalformedReason.EXTENSION_FIELD_TOO_SHORT;
                }
                if (0 != (length & 3)) {
                    detailExpected = length & ~3;
                    return MalformedReason.EXTENSION_FIELD_MISALIGNED;
                }
                if (length > remaining) {
                    detailExpected = remaining;
                    return MalformedReason.EXTENSION_FIELD_OVERRUN;
                }
                extensionFields++;
                if (isNtsType(type)) {
                    ntsExtensionFields++;
                }
                position += length;
                remaining -= length;
            }
        } else if (remaining > 0 && !isMacLength(remaining, version)) {
            return badTrailer(position, remaining);
        }
        if (remaining > 0) {
            if (position + KEY_ID_LENGTH <= availableLength) {
                keyId = Bytes.u32(buffer, offset + position);
                macLength = remaining - KEY_ID_LENGTH;
                trailerComplete = position + remaining <= availableLength;
            } else {
                trailerComplete = false;
            }
        }
        return null;
    }

    private MalformedReason badTrailer(final int position, final int remaining) {
        detailOffset = position;
        detailActual = remaining;
        return MalformedReason.BAD_TRAILER;
    }

    private static boolean isMacLength(final int length, final int version) {
        return length == CRYPTO_NAK_LENGTH || length == MD5_MAC_LENGTH || length == SHA1_MAC_LENGTH
            || (version < MAX_VERSION && length == DES_MAC_LENGTH);
    }

    private static boolean isNtsType(final int type) {
        return type == NTS_UNIQUE_IDENTIFIER || type == NTS_COOKIE || type == NTS_COOKIE_PLACEHOLDER
            || type == NTS_AUTHENTICATOR;
    }

    /** Why the last {@link #wrap} found the payload invalid, null when valid. */
    public MalformedReason malformedReason() {
        return reason;
    }

    /** Leap indicator (RFC 5905 §7.3); 0 for mode 7, whose first two bits are the R and M flags. */
    public int li() {
        return mode() == MODE_PRIVATE ? 0 : (firstByte & NtpHeader.LI_MASK) >>> NtpHeader.LI_SHIFT;
    }

    /** Version number, 0 for an empty payload. */
    public int version() {
        return (firstByte & NtpHeader.VERSION_MASK) >>> NtpHeader.VERSION_SHIFT;
    }

    /** Packet Mode field (RFC 5905 §7.3), 0 for an empty payload. */
    public int mode() {
        return firstByte & NtpHeader.MODE_MASK;
    }

    /**
     * Who sent it: mode 3 REQUEST, 4 RESPONSE, 1/2 SYMMETRIC, 5 BROADCAST, 6/7 by the R bit; UNKNOWN for mode 0 and
     * for any malformed packet.
     */
    public Role role() {
        if (null != reason) {
            return Role.UNKNOWN;
        }
        switch (mode()) {
            case 1:
            case 2:
                return Role.SYMMETRIC;
            case 3:
                return Role.REQUEST;
            case 4:
                return Role.RESPONSE;
            case 5:
                return Role.BROADCAST;
            case MODE_CONTROL:
                return control.response() ? Role.RESPONSE : Role.REQUEST;
            case MODE_PRIVATE:
                return privateHeader.response() ? Role.RESPONSE : Role.REQUEST;
            default:
                return Role.UNKNOWN;
        }
    }

    /** NTP bytes the UDP header declares. */
    public int declaredLength() {
        return declaredLength;
    }

    /** NTP bytes present in the capture. */
    public int availableLength() {
        return availableLength;
    }

    /** The capture holds fewer bytes than UDP declares (snap length). */
    public boolean isTruncated() {
        return availableLength < declaredLength;
    }

    /** Modes 0-5 with the whole 48-byte header present: {@link #header()} is valid. */
    public boolean hasStandardHeader() {
        return hasStandardHeader;
    }

    /** The modes 0-5 header; only meaningful when {@link #hasStandardHeader()}. */
    public NtpHeader header() {
        return header;
    }

    /** Mode 6 with the whole 12-byte header present: {@link #control()} is valid. */
    public boolean hasControl() {
        return hasControl;
    }

    /** The mode 6 header; only meaningful when {@link #hasControl()}. */
    public NtpControlHeader control() {
        return control;
    }

    /** Mode 7 with the whole 8-byte header present: {@link #privateHeader()} is valid. */
    public boolean hasPrivate() {
        return hasPrivate;
    }

    /** The mode 7 header; only meaningful when {@link #hasPrivate()}. */
    public NtpPrivateHeader privateHeader() {
        return privateHeader;
    }

    /** RFC 7822 extension fields after the header, NTS ones included (modes 0-5). */
    public int extensionFields() {
        return extensionFields;
    }

    /** RFC 8915 NTS extension fields (types 0x0104, 0x0204, 0x0304, 0x0404) among {@link #extensionFields()}. */
    public int ntsExtensionFields() {
        return ntsExtensionFields;
    }

    /** Digest bytes after the key id (0 without a MAC, and for a crypto-NAK). */
    public int macLength() {
        return macLength;
    }

    /** The MAC's key id, unsigned 32-bit; -1 when there is no MAC (or it was not captured). */
    public long keyId() {
        return keyId;
    }

    /** A MAC is present (key id read). */
    public boolean hasMac() {
        return keyId >= 0;
    }

    /** A crypto-NAK (RFC 5905 §7.3 / ntpd): the MAC is a key id with no digest. */
    public boolean isCryptoNak() {
        return hasStandardHeader && keyId >= 0 && 0 == macLength;
    }

    /** False when the snap length stopped the extension field / MAC walk before its end. */
    public boolean isTrailerComplete() {
        return trailerComplete;
    }

    /** Kiss-o'-Death (see {@link NtpHeader#isKissOfDeath()}); false when there is no standard header. */
    public boolean isKissOfDeath() {
        return hasStandardHeader && header.isKissOfDeath();
    }

    /**
     * A monlist response: mode 7, R bit set, request code MON_GETLIST (20) or MON_GETLIST_1 (42), no error. A
     * response with INFO_ERR_NODATA is valid traffic but carries no entries.
     */
    public boolean isMonlistResponse() {
        if (!hasPrivate || !privateHeader.response() || 0 != privateHeader.error()) {
            return false;
        }
        final int code = privateHeader.requestCode();
        return code == PrivateRequestCode.MON_GETLIST.code() || code == PrivateRequestCode.MON_GETLIST_1.code();
    }

    /** Entries of a monlist response that are fully captured and readable; 0 for any other packet. */
    public int monlistEntryCount() {
        if (!isMonlistResponse() || null != reason) {
            return 0;
        }
        final int itemSize = privateHeader.itemSize();
        if (itemSize < MonlistEntryView.minItemSize(isMonitor1())) {
            return 0;
        }
        final int captured = (availableLength - NtpPrivateHeader.LENGTH) / itemSize;
        return Math.min(privateHeader.itemCount(), captured);
    }

    /**
     * Re-points the shared {@link #monlistEntry()} view at entry {@code index}.
     *
     * @return true when the entry is present and readable; false (view untouched) otherwise
     */
    public boolean wrapEntry(final int index) {
        if (index < 0 || index >= monlistEntryCount()) {
            return false;
        }
        final int itemSize = privateHeader.itemSize();
        entry.wrap(buffer, offset + NtpPrivateHeader.LENGTH + index * itemSize, isMonitor1(), itemSize);
        return true;
    }

    /** The entry view positioned by the last successful {@link #wrapEntry(int)}. */
    public MonlistEntryView monlistEntry() {
        return entry;
    }

    private boolean isMonitor1() {
        return privateHeader.requestCode() == PrivateRequestCode.MON_GETLIST_1.code();
    }

    /**
     * Slow path: the reason with its numbers, in the "what: actual (expected: ...)" form, for dead letters and debug
     * logs. Null when the payload is valid. Allocates.
     */
    public String malformedDetail() {
        if (null == reason) {
            return null;
        }
        switch (reason) {
            case EMPTY:
                return "empty UDP payload: 0 bytes (expected: 8+ bytes)";
            case VERSION_ZERO:
                return "NTP version 0 (expected: 1 ~ 4)";
            case UNKNOWN_VERSION:
                return "unknown NTP version: " + version() + " (expected: 1 ~ 4)";
            case SHORT_STANDARD_HEADER:
            case SHORT_CONTROL_HEADER:
            case SHORT_PRIVATE_HEADER:
                return "shorter than the " + detailExpected + "-byte mode " + mode() + " header: " + detailActual
                    + " bytes (expected: " + detailExpected + "+ bytes)";
            case HEADER_CUT_BY_SNAPLEN:
                return "NTP header cut by the capture snap length: " + detailActual + " bytes captured (expected: "
                    + detailExpected + "+ bytes)";
            case EXTENSION_FIELD_TOO_SHORT:
                return "extension field at byte " + detailOffset + " shorter than 16 bytes: " + detailActual
                    + " (expected: 16+)";
            case EXTENSION_FIELD_MISALIGNED:
                return "extension field length at byte " + detailOffset + " not a multiple of 4: " + detailActual
                    + " (expected: a multiple of 4)";
            case EXTENSION_FIELD_OVERRUN:
                return "extension field length at byte " + detailOffset + " overruns the packet: " + detailActual
                    + " bytes (expected: <= " + detailExpected + ")";
            case BAD_TRAILER:
                return "bytes after the header are neither extension fields nor a MAC: " + detailActual
                    + " bytes at byte " + detailOffset + " (expected: 0, 4, 20 or 24 bytes"
                    + (version() < MAX_VERSION ? ", or 12" : ", or extension fields of 16+ bytes") + ")";
            case CONTROL_COUNT_OVERRUN:
                return "mode 6 count overruns the packet: " + detailActual + " bytes (expected: <= " + detailExpected
                    + ")";
            case PRIVATE_ITEMS_OVERRUN:
                return "mode 7 item count overruns the packet: " + privateHeader.itemCount() + " × "
                    + privateHeader.itemSize() + " bytes (expected: <= " + detailExpected + ")";
            default:
                return reason.text();
        }
    }
}
