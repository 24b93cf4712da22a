/**
 * Runtime changes to what the blocklist may hold: prefixes allowlisted and addresses unblocked by an operator while
 * the detector runs, each kept on a compacted topic that every instance reads whole, and on an audit topic.
 */
package org.ntpguard.streams.allowlist;
