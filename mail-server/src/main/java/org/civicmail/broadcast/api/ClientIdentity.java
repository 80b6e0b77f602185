package org.civicmail.broadcast.api;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;

import com.sun.net.httpserver.HttpsExchange;

/** Who is calling: the agency named by the TLS client certificate, if that certificate is good and the agency may broadcast. */
final class ClientIdentity {
    private final CertificateAuthority ca;
    private final AccountStore accounts;

    ClientIdentity(CertificateAuthority ca, AccountStore accounts) {
        this.ca = ca;
        this.accounts = accounts;
    }

    Account agencyOf(HttpsExchange exchange) {
        X509Certificate cert;
        try {
            cert = (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            throw new BroadcastRefusedException(Reason.FORBIDDEN, "a client certificate issued by the city CA is required");
        }
        var status = ca.status(cert);
        if (!status.isGood()) {
            throw new BroadcastRefusedException(Reason.FORBIDDEN, "client certificate serial " + cert.getSerialNumber().toString(16)
                + " is not good at the city CA (" + status + "); use a current certificate of the agency");
        }
        String email = email(cert).orElseThrow(() -> new BroadcastRefusedException(Reason.FORBIDDEN,
            "the client certificate names no email address; use the agency's account certificate"));
        Account agency = accounts.find(email).orElseThrow(() -> new BroadcastRefusedException(Reason.FORBIDDEN,
            email + " is not an account here"));
        if (!agency.mayBroadcast() || agency.disabled()) {
            throw new BroadcastRefusedException(Reason.FORBIDDEN, email + " may not broadcast"
                + (agency.disabled() ? " (account disabled)" : " (no may-broadcast permission)"));
        }
        return agency;
    }

    static Optional<String> email(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(1).equals(name.get(0))) {
                        return Optional.of(((String) name.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
