package org.civicmail.broadcast.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.mailbox.Account;
import org.civicmail.mailbox.AccountStore;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.VerdictHeader;

/**
 * {@link DeliveryCheck} against live state: the agency's account in the {@link AccountStore}, each copy verified by
 * the server's verifier when it is stored (which asks our CA for the certificate's status now), and the CA's records
 * to explain a missing credential. Thread-safe.
 */
public final class LiveDeliveryCheck implements DeliveryCheck {
    /** The verifier: a copy's raw bytes in, its verdict now out (our CA's live revocation status included). */
    @FunctionalInterface
    public interface Verifier {
        SignatureVerdict verify(byte[] message);
    }

    private final AccountStore accounts;
    private final CertificateAuthority ca;
    private final Verifier verifier;

    public LiveDeliveryCheck(AccountStore accounts, CertificateAuthority ca, Verifier verifier) {
        this.accounts = accounts;
        this.ca = ca;
        this.verifier = verifier;
    }

    @Override
    public Optional<String> agencyStopReason(String agency) {
        Optional<Account> account = accounts.find(agency);
        if (account.isEmpty()) {
            return Optional.of("the agency account " + agency + " no longer exists");
        }
        if (account.get().disabled()) {
            return Optional.of("the agency account " + agency + " is disabled");
        }
        return Optional.empty();
    }

    @Override
    public Judgement judge(byte[] copy) {
        SignatureVerdict verdict = verifier.verify(copy);
        String header = verdict.headerValue();
        if (verdict.isValid()) {
            return Judgement.valid(header);
        }
        String words = verdict.detail().isEmpty() ? "the copies are not validly signed" : verdict.detail();
        return Judgement.stop("the signature is no longer valid at delivery: " + words + " [" + VerdictHeader.NAME + ": " + header + "]");
    }

    @Override
    public String whyNoCredential(String agency) {
        Optional<String> account = agencyStopReason(agency);
        if (account.isPresent()) {
            return account.get();
        }
        List<CertificateRecord> certificates = ca.certificatesFor(agency);
        if (certificates.isEmpty()) {
            return agency + " has no signing certificate";
        }
        CertificateRecord newest = certificates.get(0);
        CertificateStatus status = ca.status(newest.serial());
        if (status.isRevoked()) {
            return "the signing certificate of " + agency + " (serial " + newest.serialHex() + ") was revoked at "
                + status.revokedAt().map(Instant::toString).orElse("?") + status.reason().map(r -> " (" + r + ")").orElse("");
        }
        if (Instant.now().isAfter(newest.notAfter())) {
            return "the signing certificate of " + agency + " (serial " + newest.serialHex() + ") expired at " + newest.notAfter();
        }
        return "the signing certificate of " + agency + " (serial " + newest.serialHex() + ") is not usable (" + status + ")";
    }
}
