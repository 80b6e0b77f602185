package org.civicmail.smime;

import java.math.BigInteger;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.Set;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.util.Selector;
import org.bouncycastle.util.Store;
import org.civicmail.ca.CertificateStatus;

/**
 * Checks a message's S/MIME signature the way a careful reader would (RFC 8550/8551): the signature over the
 * content, the chain to a configured trust anchor, the certificate's validity at signing time, its revocation
 * status, its key usage, and that the From address is the certificate's. Thread-safe.
 */
public final class SmimeVerifier {
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EKU = "2.5.29.37.0";

    /** Revocation status of a certificate; our CA answers from memory, foreign ones may be UNKNOWN. */
    public interface RevocationSource {
        /** @param issuer the certificate that issued {@code certificate}, from the verified path */
        CertificateStatus status(X509Certificate certificate, X509Certificate issuer);
    }

    private static final int MAX_REMEMBERED_CHAINS = 10_000;
    private final Map<X509Certificate, Instant[]> validChains = new ConcurrentHashMap<>();
    private final Set<TrustAnchor> anchors;
    private final RevocationSource revocation;

    public SmimeVerifier(Collection<X509Certificate> trustAnchors, RevocationSource revocation) {
        Set<TrustAnchor> set = new HashSet<>();
        trustAnchors.forEach(c -> set.add(new TrustAnchor(c, null)));
        this.anchors = Set.copyOf(set);
        this.revocation = revocation;
    }

    public SignatureVerdict verify(MimeMessage message) {
        try {
            if (!message.isMimeType("multipart/signed")) {
                return message.isMimeType("application/pkcs7-mime") || message.isMimeType("application/x-pkcs7-mime")
                    ? SignatureVerdict.invalid(SignatureVerdict.Reason.MALFORMED, "opaque (application/pkcs7-mime) signatures are not supported; send multipart/signed")
                    : SignatureVerdict.none();
            }
            SMIMESigned signed = new SMIMESigned((MimeMultipart) message.getContent());
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                return SignatureVerdict.invalid(SignatureVerdict.Reason.MALFORMED, "expected one signer, found " + signers.size());
            }
            return verifySigner(message, signed, signers.iterator().next());
        } catch (MessagingException | CMSException | java.io.IOException | ClassCastException e) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.MALFORMED, "the signature cannot be read: " + e.getClass().getSimpleName());
        }
    }

    @SuppressWarnings("unchecked")
    private SignatureVerdict verifySigner(MimeMessage message, SMIMESigned signed, SignerInformation signer) throws MessagingException {
        Store<X509CertificateHolder> certificates = signed.getCertificates();
        Collection<X509CertificateHolder> matches = certificates.getMatches((Selector<X509CertificateHolder>) (Selector<?>) signer.getSID());
        if (matches.isEmpty()) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.MALFORMED, "the signer's certificate is not in the message");
        }
        X509Certificate certificate;
        List<X509Certificate> all = new ArrayList<>();
        try {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(BouncyCastleProviderHolder.PROVIDER);
            certificate = converter.getCertificate(matches.iterator().next());
            for (X509CertificateHolder holder : certificates.getMatches(null)) {
                all.add(converter.getCertificate(holder));
            }
        } catch (java.security.cert.CertificateException e) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.MALFORMED, "the signer's certificate cannot be read");
        }
        String signerAddress = emailOf(certificate).orElse(certificate.getSubjectX500Principal().getName());
        Instant signedAt = signingTime(signer).orElse(Instant.now());
        BigInteger serial = certificate.getSerialNumber();

        boolean intact;
        try {
            intact = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastleProviderHolder.PROVIDER).build(certificate));
        } catch (Exception e) {
            intact = false;
        }
        if (!intact) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.TAMPERED, "the message was altered after it was signed")
                .withSigner(signerAddress, serial, signedAt);
        }
        Optional<String> chainProblem = chainProblem(certificate, all, signedAt);
        if (chainProblem.isPresent()) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.UNKNOWN_CA, chainProblem.get()).withSigner(signerAddress, serial, signedAt);
        }
        Date at = Date.from(signedAt);
        if (at.before(certificate.getNotBefore()) || at.after(certificate.getNotAfter())) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.EXPIRED, "the certificate was not valid when the message was signed (valid "
                + day(certificate.getNotBefore()) + " to " + day(certificate.getNotAfter()) + ")").withSigner(signerAddress, serial, signedAt);
        }
        CertificateStatus status = revocation.status(certificate, issuerOf(certificate, all));
        if (status.isRevoked()) {
            Instant revokedAt = status.revokedAt().orElse(signedAt);
            return SignatureVerdict.invalid(SignatureVerdict.Reason.REVOKED, "the certificate was revoked on " + day(Date.from(revokedAt))
                    + status.reason().map(r -> " (" + r + ")").orElse(""))
                .withSigner(signerAddress, serial, signedAt).withRevokedAt(revokedAt);
        }
        Optional<String> usageProblem = usageProblem(certificate);
        if (usageProblem.isPresent()) {
            return SignatureVerdict.invalid(SignatureVerdict.Reason.BAD_KEY_USAGE, usageProblem.get()).withSigner(signerAddress, serial, signedAt);
        }
        Set<String> certificateAddresses = addressesOf(certificate);
        for (Address from : Optional.ofNullable(message.getFrom()).orElse(new Address[0])) {
            String address = ((InternetAddress) from).getAddress().toLowerCase(Locale.ROOT);
            if (!certificateAddresses.contains(address)) {
                return SignatureVerdict.invalid(SignatureVerdict.Reason.FROM_MISMATCH, "the message says it is from " + address
                    + " but was signed by " + signerAddress).withSigner(signerAddress, serial, signedAt);
            }
        }
        SignatureVerdict valid = SignatureVerdict.valid(signerAddress, serial, signedAt);
        return status.state() == CertificateStatus.State.UNKNOWN ? valid.withRevocationUnchecked() : valid;
    }

    /** The issuer among the message's certificates and our trust anchors (the path was verified already). */
    private X509Certificate issuerOf(X509Certificate certificate, List<X509Certificate> fromMessage) {
        List<X509Certificate> candidates = new ArrayList<>(fromMessage);
        anchors.forEach(a -> candidates.add(a.getTrustedCert()));
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                try {
                    certificate.verify(candidate.getPublicKey());
                    return candidate;
                } catch (java.security.GeneralSecurityException e) {
                    // Same name, other key: keep looking.
                }
            }
        }
        return certificate;
    }

    private Optional<String> chainProblem(X509Certificate certificate, List<X509Certificate> intermediates, Instant signedAt) {
        Instant[] window = validChains.get(certificate);
        if (window != null && !signedAt.isBefore(window[0]) && !signedAt.isAfter(window[1])) {
            return Optional.empty();
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(certificate);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(signedAt));
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(intermediates)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
            remember(certificate, result);
            return Optional.empty();
        } catch (CertPathBuilderException e) {
            return Optional.of("the certificate does not chain to a trusted authority (issuer: "
                + certificate.getIssuerX500Principal().getName() + ")");
        } catch (java.security.GeneralSecurityException e) {
            return Optional.of("the certificate chain cannot be checked: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Building a path costs milliseconds and a city's signers are few: a built path is remembered with the
     * period in which all its certificates are valid, so later messages of the same signer skip the build.
     */
    private void remember(X509Certificate certificate, PKIXCertPathBuilderResult result) {
        Instant notBefore = result.getTrustAnchor().getTrustedCert().getNotBefore().toInstant();
        Instant notAfter = result.getTrustAnchor().getTrustedCert().getNotAfter().toInstant();
        for (java.security.cert.Certificate c : result.getCertPath().getCertificates()) {
            X509Certificate x = (X509Certificate) c;
            notBefore = notBefore.isAfter(x.getNotBefore().toInstant()) ? notBefore : x.getNotBefore().toInstant();
            notAfter = notAfter.isBefore(x.getNotAfter().toInstant()) ? notAfter : x.getNotAfter().toInstant();
        }
        if (validChains.size() > MAX_REMEMBERED_CHAINS) {
            validChains.clear();
        }
        validChains.put(certificate, new Instant[] {notBefore, notAfter});
    }

    private static Optional<String> usageProblem(X509Certificate certificate) {
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && !(keyUsage[0] || keyUsage[1])) {
            return Optional.of("the certificate may not be used for signatures (key usage lacks digitalSignature)");
        }
        try {
            List<String> eku = certificate.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EMAIL_PROTECTION) && !eku.contains(ANY_EKU)) {
                return Optional.of("the certificate is not for e-mail (extended key usage lacks emailProtection)");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return Optional.of("the certificate's extended key usage cannot be read");
        }
        return Optional.empty();
    }

    static Optional<Instant> signingTime(SignerInformation signer) {
        if (signer.getSignedAttributes() == null) {
            return Optional.empty();
        }
        Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() == 0) {
            return Optional.empty();
        }
        return Optional.of(Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant());
    }

    static Optional<String> emailOf(X509Certificate certificate) {
        return addressesOf(certificate).stream().findFirst();
    }

    /** rfc822Name SANs, or the subject's emailAddress attribute when there are none (RFC 8550 section 3). */
    static Set<String> addressesOf(X509Certificate certificate) {
        Set<String> result = new java.util.LinkedHashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> san : certificate.getSubjectAlternativeNames()) {
                    if (((Integer) san.get(0)) == 1) {
                        result.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return result;
        }
        if (result.isEmpty()) {
            X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
                result.add(IETFUtils.valueToString(rdn.getFirst().getValue()).toLowerCase(Locale.ROOT));
            }
        }
        return result;
    }

    private static String day(Date date) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(date.toInstant().atZone(java.time.ZoneOffset.UTC));
    }

}
