package org.civicmail.verdict.check;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.mime.MimeEntity;

/**
 * What the steps of one verification have established so far; each step reads what earlier steps found and adds
 * its own finding. One instance per message, used by one thread.
 */
public final class Evidence {
    final byte[] raw;
    final Instant arrivedAt;

    MimeEntity message;
    /** The signed entity: part 1 of multipart/signed, or the content encapsulated in application/pkcs7-mime. */
    MimeEntity signedEntity;
    CMSSignedData cms;
    SignerInformation signerInfo;
    X509Certificate leaf;
    List<X509Certificate> attachedCertificates = List.of();
    Optional<Instant> signedAt = Optional.empty();
    CertificateIdentity identity;

    /** Leaf first, up to (not including) the trust anchor. */
    List<X509Certificate> path = List.of();
    TrustAnchor anchor;
    /** The city CA certificate that issued the leaf, when it is the city's. */
    Optional<X509Certificate> cityIssuer = Optional.empty();

    boolean revocationUnknown;
    boolean headersUnprotected;

    public Evidence(byte[] raw, Instant arrivedAt) {
        this.raw = raw;
        this.arrivedAt = arrivedAt;
    }

    /** The issuer of the leaf on the verified path. */
    X509Certificate issuer() {
        return path.size() > 1 ? path.get(1) : anchor.getTrustedCert();
    }

    SignatureVerdict invalid(SignatureVerdict.Reason reason, String detail) {
        return withSigner(SignatureVerdict.invalid(reason, detail));
    }

    /** The verdict when every step passed. */
    public SignatureVerdict valid() {
        SignatureVerdict v = withSigner(SignatureVerdict.valid(identity.displayAddress(leaf), leaf.getSerialNumber(),
            signedAt.orElse(null)));
        if (headersUnprotected) {
            v = v.withHeadersUnprotected();
        }
        return revocationUnknown ? v.withRevocationUnknown() : v;
    }

    private SignatureVerdict withSigner(SignatureVerdict v) {
        if (leaf == null) {
            return v;
        }
        return v.withSigner(identity.displayAddress(leaf), leaf.getSerialNumber(), signedAt.orElse(null))
            .withNames(identity.commonName(), identity.organisation());
    }
}
