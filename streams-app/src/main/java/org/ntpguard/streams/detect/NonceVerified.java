package org.ntpguard.streams.detect;

/**
 * Mode 6 READ_MRU traffic whose requester echoed the nonce the server handed it (ntpq {@code mrulist}), as the
 * sensor verified it in capture order: the requester received the server's answers, so its address is not spoofed,
 * and the answers (up to 32 fragments of 468 bytes for a request of a few dozen) are neither reflection nor exposure.
 *
 * @param requests      READ_MRU requests carrying the server's nonce
 * @param requestBytes  their NTP bytes
 * @param responses     READ_MRU responses to them
 * @param responseBytes their NTP bytes
 */
public record NonceVerified(long requests, long requestBytes, long responses, long responseBytes) {

    /** Nothing verified (version 1 records, one packet, most flows). */
    public static final NonceVerified NONE = new NonceVerified(0, 0, 0, 0);

    public static NonceVerified of(final long requests, final long requestBytes, final long responses,
                                   final long responseBytes) {
        return requests == 0 && requestBytes == 0 && responses == 0 && responseBytes == 0 ? NONE
                : new NonceVerified(requests, requestBytes, responses, responseBytes);
    }
}
