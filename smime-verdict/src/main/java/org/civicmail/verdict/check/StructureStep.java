package org.civicmail.verdict.check;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.util.Selector;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.mime.ContentType;
import org.civicmail.verdict.mime.Lines;
import org.civicmail.verdict.mime.MalformedMessageException;
import org.civicmail.verdict.mime.MimeEntity;
import org.civicmail.verdict.mime.Multipart;

/**
 * Step 1, structure. The message is signed if its top-level type is multipart/signed or application/pkcs7-mime
 * (else the verdict is {@code none}; a signed message wrapped in another part is not a signed message). A signed
 * message must be strict, or it is {@code malformed}: exactly two parts, the second of the type its {@code protocol}
 * parameter names, no text after the closing boundary, one Content-Type, exactly one signer whose certificate is
 * attached, and a signingTime no more than five minutes after the message arrived.
 */
public final class StructureStep implements VerificationStep {
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final List<String> SIGNATURE_TYPES = List.of("application/pkcs7-signature", "application/x-pkcs7-signature");
    private static final List<String> OPAQUE_TYPES = List.of("application/pkcs7-mime", "application/x-pkcs7-mime");

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        try {
            e.message = MimeEntity.parse(e.raw);
            Optional<ContentType> type = e.message.contentType();
            if (type.isEmpty()) {
                return Optional.of(SignatureVerdict.none());
            }
            if (type.get().is("multipart/signed")) {
                e.cms = detached(e, type.get());
            } else if (OPAQUE_TYPES.contains(type.get().mediaType())) {
                Optional<String> smimeType = type.get().parameter("smime-type");
                if (smimeType.isPresent() && !smimeType.get().equalsIgnoreCase("signed-data")) {
                    // Encrypted or compressed: there is no signature we could check without the key.
                    return Optional.of(SignatureVerdict.none());
                }
                e.cms = opaque(e);
            } else {
                return Optional.of(SignatureVerdict.none());
            }
            return signer(e);
        } catch (MalformedMessageException ex) {
            return Optional.of(SignatureVerdict.invalid(Reason.MALFORMED, ex.getMessage()));
        } catch (CMSException | RuntimeException ex) {
            return Optional.of(SignatureVerdict.invalid(Reason.MALFORMED, "the signature cannot be read: " + ex.getMessage()));
        }
    }

    private static CMSSignedData detached(Evidence e, ContentType type) throws MalformedMessageException, CMSException {
        String protocol = type.parameter("protocol").orElseThrow(() ->
            new MalformedMessageException("multipart/signed has no protocol parameter"));
        if (!SIGNATURE_TYPES.contains(protocol.toLowerCase(Locale.ROOT))) {
            throw new MalformedMessageException("multipart/signed protocol \"" + protocol + "\" is not application/pkcs7-signature");
        }
        String boundary = type.parameter("boundary").orElseThrow(() ->
            new MalformedMessageException("multipart/signed has no boundary parameter"));
        Multipart multipart = Multipart.of(e.message, boundary);
        if (multipart.parts().size() != 2) {
            throw new MalformedMessageException("multipart/signed must have exactly 2 parts (content and signature), found "
                + multipart.parts().size());
        }
        if (!new String(multipart.epilogue(), StandardCharsets.ISO_8859_1).isBlank()) {
            throw new MalformedMessageException("text after the closing boundary of multipart/signed");
        }
        MimeEntity signature = multipart.parts().get(1);
        ContentType signatureType = signature.contentType().orElseThrow(() ->
            new MalformedMessageException("the signature part has no Content-Type"));
        if (!signatureType.mediaType().equalsIgnoreCase(protocol)) {
            throw new MalformedMessageException("the signature part is " + signatureType.mediaType()
                + " but the protocol parameter says " + protocol.toLowerCase(Locale.ROOT));
        }
        e.signedEntity = multipart.parts().get(0);
        e.signedEntity.contentType(); // refuses two Content-Type fields in the signed part: readers would differ
        byte[] content = Lines.canonical(e.signedEntity.rawBytes());
        CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(content), decode(signature));
        if (!cms.isDetachedSignature()) {
            throw new MalformedMessageException("the signature part of multipart/signed carries content of its own");
        }
        return cms;
    }

    private static CMSSignedData opaque(Evidence e) throws MalformedMessageException, CMSException {
        CMSSignedData cms = new CMSSignedData(decode(e.message));
        if (cms.getSignedContent() == null || !CMSObjectIdentifiers.data.getId().equals(cms.getSignedContentTypeOID())) {
            throw new MalformedMessageException("application/pkcs7-mime signed-data without MIME content");
        }
        byte[] content = (byte[]) cms.getSignedContent().getContent();
        e.signedEntity = MimeEntity.parse(content);
        e.signedEntity.contentType(); // refuses two Content-Type fields in the signed entity: readers would differ
        return cms;
    }

    private static byte[] decode(MimeEntity part) throws MalformedMessageException {
        String encoding = part.single("Content-Transfer-Encoding").orElse("7bit").trim().toLowerCase(Locale.ROOT);
        byte[] body = part.body();
        return switch (encoding) {
            case "base64" -> {
                String text = new String(body, StandardCharsets.ISO_8859_1).replaceAll("[\\r\\n\\t ]", "");
                try {
                    yield Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException ex) {
                    throw new MalformedMessageException("the signature is not valid base64: " + ex.getMessage());
                }
            }
            case "binary", "8bit", "7bit" -> body;
            default -> throw new MalformedMessageException("the signature has Content-Transfer-Encoding " + encoding
                + "; expected base64");
        };
    }

    @SuppressWarnings("unchecked")
    private static Optional<SignatureVerdict> signer(Evidence e) throws MalformedMessageException {
        Collection<SignerInformation> signers = e.cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new MalformedMessageException("expected one signer, found " + signers.size());
        }
        e.signerInfo = signers.iterator().next();
        Collection<X509CertificateHolder> matches = e.cms.getCertificates()
            .getMatches((Selector<X509CertificateHolder>) (Selector<?>) e.signerInfo.getSID());
        if (matches.isEmpty()) {
            throw new MalformedMessageException("the signer's certificate is not in the message");
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> attached = new ArrayList<>();
        try {
            e.leaf = converter.getCertificate(matches.iterator().next());
            for (X509CertificateHolder holder : (Collection<X509CertificateHolder>) e.cms.getCertificates().getMatches(null)) {
                attached.add(converter.getCertificate(holder));
            }
        } catch (CertificateException ex) {
            throw new MalformedMessageException("an attached certificate cannot be read: " + ex.getMessage());
        }
        e.attachedCertificates = List.copyOf(attached);
        e.identity = CertificateIdentity.of(e.leaf);
        e.signedAt = signingTime(e.signerInfo);
        Instant latest = e.arrivedAt.plus(FUTURE_TOLERANCE);
        if (e.signedAt.isPresent() && e.signedAt.get().isAfter(latest)) {
            return Optional.of(e.invalid(Reason.MALFORMED, "the signing time " + e.signedAt.get()
                + " is more than 5 minutes after the message arrived (" + e.arrivedAt + ")"));
        }
        return Optional.empty();
    }

    static Optional<Instant> signingTime(SignerInformation signer) {
        if (signer.getSignedAttributes() == null) {
            return Optional.empty();
        }
        Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            return Optional.empty();
        }
        return Optional.of(Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant());
    }
}
