package org.ntpguard.streams.allowlist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Networks;

/**
 * One operator change, as the allowlist and audit topics carry it (JSON: {@code action, prefix, reason, by,
 * principal, at}).
 *
 * @param prefix    the canonical CIDR prefix, {@code 192.0.2.0/24}, {@code 192.0.2.1/32}
 * @param by        who made it: the {@code by} the request gave, else its authenticated user
 * @param principal the authenticated user of the request ({@code bearer} for a bearer token, {@code anonymous}
 *                  without authentication)
 * @param at        when it was made, epoch milliseconds
 */
public record ListChange(ListAction action, String prefix, String reason, String by, String principal, long at) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ListChange {
        prefix = canonical(prefix);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: none (expected: why, for the audit trail)");
        }
    }

    /**
     * The canonical form of an address or prefix, {@code 192.0.2.7} as {@code 192.0.2.7/32}.
     *
     * @throws IllegalArgumentException not one address or prefix, or host bits set
     */
    public static String canonical(final String addressOrPrefix) {
        if (addressOrPrefix == null || addressOrPrefix.isBlank() || addressOrPrefix.contains(",")) {
            throw new IllegalArgumentException("address or prefix '" + addressOrPrefix
                    + "' (expected: one IPv4 or IPv6 address, or CIDR prefix)");
        }
        return Networks.parse(addressOrPrefix).toString();
    }

    /**
     * The key on the allowlist topic: the prefix for an allowlisting (a withdrawal is its tombstone), {@code
     * unblock:} and the prefix for an unblock, so that one never replaces the other.
     */
    public String key() {
        return action == ListAction.UNBLOCK ? UNBLOCK_KEY_PREFIX + prefix : prefix;
    }

    static final String UNBLOCK_KEY_PREFIX = "unblock:";

    public boolean covers(final IpAddress address) {
        return Networks.parse(prefix).contains(address);
    }

    public String toJson() {
        final ObjectNode node = JSON.createObjectNode();
        node.put("action", action.label());
        node.put("prefix", prefix);
        node.put("reason", reason);
        node.put("by", by);
        node.put("principal", principal);
        node.put("at", Instant.ofEpochMilli(at).toString());
        return node.toString();
    }

    /**
     * @throws IllegalArgumentException not a change this class wrote; the message says what is wrong
     */
    public static ListChange fromJson(final String json) {
        final JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        try {
            return new ListChange(ListAction.of(text(node, "action")), text(node, "prefix"), text(node, "reason"),
                    text(node, "by"), text(node, "principal"), Instant.parse(text(node, "at")).toEpochMilli());
        } catch (final java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("at: " + e.getParsedString() + " (expected: an ISO 8601 instant)");
        }
    }

    private static String text(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(field + ": missing (expected: a string)");
        }
        return value.asText();
    }
}
