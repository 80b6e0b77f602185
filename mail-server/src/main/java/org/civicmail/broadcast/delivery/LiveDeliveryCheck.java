package org.civicmail.broadcast.delivery;

import java.math.BigInteger;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.server.CivicDatabase;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.VerdictHeader;

/**
 * {@link DeliveryCheck} against live state: the agency's account in the {@link AccountStore}, each copy verified by
 * the server's verifier when it is stored (which asks our CA for the certificate's status now), the CA's records
 * to explain a missing credential, and the hold on both rows in CivicMail's database ({@link SignerStatusHold}).
 * Thread-safe.
 */
public final class LiveDeliveryCheck implements DeliveryCheck {
    /** The verifier: a copy's raw bytes in, its verdict now out (our CA's live revocation status included). */
    @FunctionalInterface
    public interface Verifier {
        SignatureVerdict verify(byte[] message);
    }

    private final CivicDatabase db;
    private final AccountStore accounts;
    private final CertificateAuthority ca;
    private final Verifier verifier;

    public LiveDeliveryCheck(CivicDatabase db, AccountStore accounts, CertificateAuthority ca, Verifier verifier) {
        this.db = db;
        this.accounts = accounts;
        this.ca = ca;
        this.verifier = verifier;
    }

    @Override
    public Optional<String> agencyStopReason(String agency) {
        Optional<Account> account = accounts.find(agency);
        return accountStopReason(agency, account.isPresent(), account.map(Account::disabled).orElse(false));
    }

    private static Optional<String> accountStopReason(String agency, boolean exists, boolean disabled) {
        if (!exists) {
            return Optional.of("the agency account " + agency + " no longer exists");
        }
        if (disabled) {
            return Optional.of("the agency account " + agency + " is disabled");
        }
        return Optional.empty();
    }

    @Override
    public Hold hold(String agency, BigInteger signerSerial) throws SQLException {
        SignerStatusHold held = SignerStatusHold.take(db, agency, signerSerial);
        Optional<String> why = accountStopReason(agency, held.accountExists(), held.accountDisabled());
        if (why.isEmpty()) {
            why = certificateStopReason(signerSerial, held.certificate());
        }
        Optional<String> reason = why;
        return new Hold() {
            @Override
            public Optional<String> stopReason() {
                return reason;
            }

            @Override
            public void close() {
                held.close();
            }
        };
    }

    /** A revoked or unknown certificate, worded as the verifier words the verdict the copies would get now. */
    private static Optional<String> certificateStopReason(BigInteger serial, Optional<CertificateStatus> status) {
        if (status.isEmpty()) {
            return Optional.of(stopReason(SignatureVerdict.invalid(Reason.UNKNOWN_CA, "the city's CA has no record of the signing "
                + "certificate (serial " + serial.toString(16) + ")")));
        }
        if (!status.get().isRevoked()) {
            return Optional.empty();
        }
        Instant at = status.get().revokedAt().orElseThrow();
        String day = DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(ZoneOffset.UTC));
        return Optional.of(stopReason(SignatureVerdict.invalid(Reason.REVOKED, "the certificate was revoked on " + day
            + status.get().reason().map(r -> " (" + r + ")").orElse("")).withRevokedAt(at)));
    }

    @Override
    public Judgement judge(byte[] copy) {
        SignatureVerdict verdict = verifier.verify(copy);
        if (verdict.isValid()) {
            return Judgement.valid(verdict.headerValue(), verdict.serial().orElseThrow());
        }
        return Judgement.stop(stopReason(verdict));
    }

    private static String stopReason(SignatureVerdict verdict) {
        String words = verdict.detail().isEmpty() ? "the copies are not validly signed" : verdict.detail();
        return "the signature is no longer valid at delivery: " + words + " [" + VerdictHeader.NAME + ": " + verdict.headerValue() + "]";
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
