package org.civicmail.verdict.check;

import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;

/**
 * Step 4, validity: every certificate on the path, anchor included, is valid at the moment the message arrived
 * (the server's clock). The signingTime is the sender's claim and decides nothing here.
 */
public final class ValidityStep implements VerificationStep {

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        Date arrived = Date.from(e.arrivedAt);
        List<X509Certificate> all = new ArrayList<>(e.path);
        all.add(e.anchor.getTrustedCert());
        for (X509Certificate c : all) {
            if (arrived.before(c.getNotBefore()) || arrived.after(c.getNotAfter())) {
                String whose = c.equals(e.leaf) ? "the certificate" : "the issuing authority's certificate "
                    + c.getSubjectX500Principal().getName();
                return Optional.of(e.invalid(Reason.EXPIRED, whose + " was not valid when the message arrived (valid "
                    + day(c.getNotBefore()) + " to " + day(c.getNotAfter()) + ")"));
            }
        }
        return Optional.empty();
    }

    static String day(Date date) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(date.toInstant().atZone(ZoneOffset.UTC));
    }
}
