package org.ntpguard.cli.serve;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Lets a request through when it carries the {@link AccessToken}, as {@code Authorization: Bearer TOKEN} (RFC 6750)
 * or as the password of {@code Authorization: Basic} (RFC 7617, any user name): firewalls that pull external lists
 * (PAN-OS, FortiGate) offer a user name and password, not a bearer token. Anything else is 401 with both challenges,
 * counted in {@link RefusedRequests}. Set on a route with {@code HttpContext.setAuthenticator}, which the JDK's server
 * runs before the route's handler.
 */
final class TokenAuthenticator extends Authenticator {

    static final String REALM = "ntpguard";
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private final AccessToken token;
    private final RefusedRequests refused;

    TokenAuthenticator(final AccessToken token, final RefusedRequests refused) {
        this.token = token;
        this.refused = refused;
    }

    @Override
    public Result authenticate(final HttpExchange exchange) {
        final Optional<Credentials> presented = Credentials.of(exchange.getRequestHeaders().getFirst("Authorization"));
        if (presented.isPresent() && token.matches(presented.get().token())) {
            return new Success(new HttpPrincipal(presented.get().user(), REALM));
        }
        refused.refuse(presented.isEmpty() ? RefusedRequests.Reason.NO_CREDENTIALS
                : RefusedRequests.Reason.WRONG_CREDENTIALS);
        final Headers headers = exchange.getResponseHeaders();
        headers.add("WWW-Authenticate", "Bearer realm=\"" + REALM + "\""
                + (presented.isEmpty() ? "" : ", error=\"invalid_token\""));
        headers.add("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        // Retry, not Failure: the JDK reads away a request body first, so the connection stays usable.
        return new Retry(401);
    }

    /** What an Authorization header presents: a token, and the user name of a Basic one ("bearer" otherwise). */
    record Credentials(String user, String token) {

        static Optional<Credentials> of(final String authorization) {
            if (authorization == null) {
                return Optional.empty();
            }
            if (startsWithIgnoreCase(authorization, BEARER)) {
                return Optional.of(new Credentials("bearer", authorization.substring(BEARER.length()).strip()));
            }
            if (startsWithIgnoreCase(authorization, BASIC)) {
                final String userAndPassword;
                try {
                    userAndPassword = new String(Base64.getDecoder().decode(
                            authorization.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
                } catch (final IllegalArgumentException e) {
                    return Optional.of(new Credentials("", ""));
                }
                final int colon = userAndPassword.indexOf(':');
                return Optional.of(colon < 0 ? new Credentials(userAndPassword, "")
                        : new Credentials(userAndPassword.substring(0, colon), userAndPassword.substring(colon + 1)));
            }
            return Optional.empty();
        }

        private static boolean startsWithIgnoreCase(final String text, final String prefix) {
            return text.regionMatches(true, 0, prefix, 0, prefix.length());
        }
    }
}
