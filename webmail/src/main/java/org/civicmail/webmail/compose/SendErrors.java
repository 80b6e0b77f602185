package org.civicmail.webmail.compose;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import org.civicmail.webmail.i18n.UiText;

/**
 * A failed submission in the reader's language, saying what happened and what to do; never the server's raw
 * English ("Invalid Addresses"). The technical cause goes to the log, not the page.
 */
public final class SendErrors {

    private SendErrors() {}

    public static String describe(MessagingException e, UiText t) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SendFailedException sfe) {
                List<String> refused = addresses(sfe.getInvalidAddresses());
                if (refused.isEmpty()) {
                    refused = addresses(sfe.getValidUnsentAddresses());
                }
                if (!refused.isEmpty()) {
                    return t.format("send.refused", String.join(", ", refused));
                }
            }
            if (c instanceof AuthenticationFailedException) {
                return t.get("send.auth");
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.SocketTimeoutException
                    || c instanceof java.net.UnknownHostException) {
                return t.get("send.unreachable");
            }
        }
        return t.get("send.failed");
    }

    private static List<String> addresses(Address[] list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (Address a : list) {
                out.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
            }
        }
        return out;
    }
}
