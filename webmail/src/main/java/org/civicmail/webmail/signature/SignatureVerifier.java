package org.civicmail.webmail.signature;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * Verifies the S/MIME signature of one message against our root CA: content digest and signature, chain to the
 * trust anchor at signing time, certificate validity at signing time, revocation (via {@link RevocationChecker}),
 * the emailProtection extended key usage, and that From equals the certificate's rfc822Name.
 * <p>Thread-safe and stateless apart from its configuration. Pass a message parsed from its raw bytes
 * ({@code new MimeMessage(session, rawStream)}), never one re-serialised by an IMAP provider: the signed part
 * must be byte-identical to what was signed.
 */
public final class SignatureVerifier {

    static final String EMAIL_PROTECTION_OID = "1.3.6.1.5.5.7.3.4";

    private final Set<TrustAnchor> anchors;
    private final RevocationChecker revocation;
    private final Clock clock;
    private final JcaX509CertificateConverter converter = new JcaX509CertificateConverter();

    public SignatureVerifier(List<X509Certificate> trustAnchors, RevocationChecker revocation, Clock clock) {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        this.anchors = new HashSet<>();
        for (X509Certificate c : trustAnchors) {
            anchors.add(new TrustAnchor(c, null));
        }
        this.revocation = revocation;
        this.clock = clock;
    }

    public SignatureVerdict verify(MimeMessage message) {
        SMIMESigned signed;
        try {
            if (message.isMimeType("multipart/signed")) {
                signed = new SMIMESigned((MimeMultipart) message.getContent());
            } else if (message.isMimeType("application/pkcs7-mime") || message.isMimeType("application/x-pkcs7-mime")) {
                signed = new SMIMESigned(message);
            } else {
                return SignatureVerdict.unsigned();
            }
        } catch (MessagingException | IOException | CMSException | org.bouncycastle.mail.smime.SMIMEException | ClassCastException e) {
            return SignatureVerdict.malformed("cannot parse the signed message: " + e.getMessage());
        }
        var signers = signed.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            return SignatureVerdict.malformed("the signature has no signer");
        }
        SignerInformation signer = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = signed.getCertificates();
        @SuppressWarnings("unchecked")
        var matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            return SignatureVerdict.malformed("the signer's certificate is not included in the signature");
        }
        X509CertificateHolder holder = (X509CertificateHolder) matches.iterator().next();
        try {
            X509Certificate leaf = converter.getCertificate(holder);
            List<X509Certificate> included = new ArrayList<>();
            for (Object o : store.getMatches(null)) {
                included.add(converter.getCertificate((X509CertificateHolder) o));
            }
            return check(message, signer, leaf, included);
        } catch (GeneralSecurityException e) {
            return SignatureVerdict.malformed("unreadable certificate: " + e.getMessage());
        }
    }

    private SignatureVerdict check(MimeMessage message, SignerInformation signer, X509Certificate leaf,
                                   List<X509Certificate> included) {
        CertificateNames names = CertificateNames.of(leaf);
        Instant signedAt = signingTime(signer);
        Builder v = new Builder(names, leaf, signedAt);

        try {
            boolean ok = signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastleProvider.PROVIDER_NAME).build(leaf));
            if (!ok) {
                return v.invalid(SignatureVerdict.Reason.TAMPERED, "signature value does not match");
            }
        } catch (CMSSignerDigestMismatchException e) {
            return v.invalid(SignatureVerdict.Reason.TAMPERED, "content digest does not match the signed digest");
        } catch (org.bouncycastle.cms.CMSVerifierCertificateNotValidException e) {
            return v.invalid(SignatureVerdict.Reason.EXPIRED, "certificate valid " + leaf.getNotBefore().toInstant()
                    + " to " + leaf.getNotAfter().toInstant() + ", signed at " + signedAt);
        } catch (CMSException | OperatorCreationException e) {
            return v.invalid(SignatureVerdict.Reason.MALFORMED, e.getMessage());
        }

        Instant at = signedAt != null ? signedAt : clock.instant();
        try {
            leaf.checkValidity(Date.from(at));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return v.invalid(SignatureVerdict.Reason.EXPIRED, "certificate valid " + leaf.getNotBefore().toInstant()
                    + " to " + leaf.getNotAfter().toInstant() + ", signed at " + at);
        }

        X509Certificate issuer;
        try {
            issuer = buildPath(leaf, included, at);
        } catch (CertPathBuilderException e) {
            return v.invalid(SignatureVerdict.Reason.UNKNOWN_CA, "no chain to the trust anchor: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return v.invalid(SignatureVerdict.Reason.UNKNOWN_CA, e.getMessage());
        }

        RevocationChecker.Status status = revocation.check(leaf, issuer);
        if (status.state() == RevocationChecker.Status.State.REVOKED) {
            return v.revoked(status.revokedAt());
        }
        v.revocationChecked = status.state() == RevocationChecker.Status.State.GOOD;

        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || !eku.contains(EMAIL_PROTECTION_OID)) {
                return v.invalid(SignatureVerdict.Reason.NOT_FOR_EMAIL, "certificate lacks the emailProtection usage");
            }
        } catch (GeneralSecurityException e) {
            return v.invalid(SignatureVerdict.Reason.MALFORMED, e.getMessage());
        }

        String from = fromAddress(message);
        if (from == null || names.emails().stream().noneMatch(e -> e.equalsIgnoreCase(from))) {
            return v.invalid(SignatureVerdict.Reason.FROM_MISMATCH,
                    "From " + from + ", certificate " + String.join(", ", names.emails()));
        }
        return v.valid();
    }

    private X509Certificate buildPath(X509Certificate leaf, List<X509Certificate> included, Instant at)
            throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new CertPathBuilderException("no trust anchor is configured");
        }
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(leaf);
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(included)));
        PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        var path = result.getCertPath().getCertificates();
        return path.size() > 1 ? (X509Certificate) path.get(1) : result.getTrustAnchor().getTrustedCert();
    }

    static Instant signingTime(SignerInformation signer) {
        AttributeTable attrs = signer.getSignedAttributes();
        if (attrs == null) {
            return null;
        }
        Attribute a = attrs.get(CMSAttributes.signingTime);
        if (a == null || a.getAttrValues().size() == 0) {
            return null;
        }
        ASN1Encodable value = a.getAttrValues().getObjectAt(0);
        return Time.getInstance(value).getDate().toInstant();
    }

    static String fromAddress(MimeMessage message) {
        try {
            Address[] from = message.getFrom();
            if (from == null || from.length != 1 || !(from[0] instanceof InternetAddress ia)) {
                return null;
            }
            return ia.getAddress() == null ? null : ia.getAddress().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            return null;
        }
    }

    /** Collects the certificate facts once so every verdict carries them. */
    private static final class Builder {
        private final CertificateNames names;
        private final String serial;
        private final Instant signedAt;
        boolean revocationChecked;

        Builder(CertificateNames names, X509Certificate leaf, Instant signedAt) {
            this.names = names;
            this.serial = leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
            this.signedAt = signedAt;
        }

        SignatureVerdict invalid(SignatureVerdict.Reason reason, String detail) {
            return new SignatureVerdict(SignatureVerdict.Kind.INVALID, reason, detail, names.commonName(),
                    names.organisation(), names.firstEmail(), serial, signedAt, null, revocationChecked);
        }

        SignatureVerdict revoked(Instant revokedAt) {
            return new SignatureVerdict(SignatureVerdict.Kind.INVALID, SignatureVerdict.Reason.REVOKED,
                    "certificate revoked", names.commonName(), names.organisation(), names.firstEmail(), serial,
                    signedAt, revokedAt, true);
        }

        SignatureVerdict valid() {
            return new SignatureVerdict(SignatureVerdict.Kind.VALID, null, null, names.commonName(),
                    names.organisation(), names.firstEmail(), serial, signedAt, null, revocationChecked);
        }
    }
}
