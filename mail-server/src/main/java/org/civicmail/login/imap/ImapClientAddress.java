package org.civicmail.login.imap;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.ImapChannelUpstreamHandler;
import org.apache.james.util.MDCBuilder;
import org.slf4j.MDC;

/**
 * The client address of an IMAP session. James 3.8.1's {@link ImapSession} does not expose it; the logging
 * context James binds to each session at connect time carries it ({@code ip}), so it is read from there.
 * A browser address vouched for by the webmail ({@link FrontEndIdProcessor}) takes precedence.
 */
final class ImapClientAddress {
    static final String FORWARDED_ATTRIBUTE = "civicmail.forwarded-client-address";

    private ImapClientAddress() {
    }

    static String of(ImapSession session) {
        Object forwarded = session.getAttribute(FORWARDED_ATTRIBUTE);
        if (forwarded instanceof String s) {
            return s;
        }
        Object bound = session.getAttribute(ImapChannelUpstreamHandler.MDC_KEY);
        if (bound instanceof MDCBuilder mdc) {
            String previous = MDC.get(MDCBuilder.IP);
            try (Closeable ignored = mdc.build()) {
                String ip = MDC.get(MDCBuilder.IP);
                if (ip != null) {
                    return ip;
                }
            } catch (IOException e) {
                // closing only clears the logging context
            } finally {
                if (previous != null) {
                    MDC.put(MDCBuilder.IP, previous);
                }
            }
        }
        return "unknown";
    }

    /** Only a literal IP address is accepted as a forwarded address (no host names, nothing to inject). */
    static boolean isIpLiteral(String value) {
        if (value == null || value.isEmpty() || value.length() > 45 || !value.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(value);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
