package org.civicmail.smime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeMessage;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a message as RFC 8551 {@code multipart/signed} with a detached CMS signature (SHA-256) and the chain, and
 * protects its header fields as RFC 9788 describes ({@link HeaderProtection}). Three rules hold for every message:
 * <ul>
 * <li>What the sender wrote is what gets signed: each part is made 7-bit by {@link SevenBitContent}, which re-encodes
 * bytes and never only relabels them, and the bytes signed are exactly the bytes sent (the signer writes the
 * {@code multipart/signed} itself, in canonical CRLF form).</li>
 * <li>The server's clock sets signingTime, never the client's Date: a certificate is judged at the time our server
 * signed. A Date missing or more than {@link #MAX_DATE_SKEW} away from that clock is replaced by it before signing
 * (Thunderbird flags a signature whose time is more than an hour from Date, and a Date before the certificate was
 * issued would make our own signature look forged).</li>
 * <li>The Date and Message-ID the signature protects exist before signing (a missing Message-ID is made here), so the
 * outer fields equal their protected copies.</li>
 * </ul>
 * Thread-safe; one instance serves all.
 */
public final class SmimeSigner {
    /** How far a client's Date may be from the server's clock and still be kept. */
    public static final Duration MAX_DATE_SKEW = Duration.ofMinutes(15);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Each credential's key as BouncyCastle's key object ({@link BouncyCastleProviderHolder#ownForm}), made once per
     * key object: signing with the JDK's key made BouncyCastle translate it for every message, with new curve
     * parameters each time, so the precomputed table for the curve's base point was rebuilt per signature (about half
     * of the signing CPU in the mail-flow benchmark's JFR; 0.27-0.38 against 0.09-0.12 ms per P-256 signature under
     * C1, one thread). Keyed by the key object's identity (the key store keeps one credential per account) and held
     * weakly, so a replaced credential's key leaves with it; the key files keep the JDK's encoding.
     */
    private static final Cache<PrivateKey, PrivateKey> SIGNING_KEYS = CacheBuilder.newBuilder().weakKeys().build();
    private static final String SIGNATURE_PART_HEADERS = "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
        + "Content-Description: S/MIME Cryptographic Signature\r\n\r\n";

    private final Clock clock;

    public SmimeSigner() {
        this(Clock.systemUTC());
    }

    public SmimeSigner(Clock clock) {
        this.clock = clock;
    }

    /** Returns a new message: the original's header fields (Date and Message-ID as above) and a signed copy of its content. */
    public MimeMessage sign(MimeMessage original, SigningCredential credential) throws MessagingException {
        return sign(original, credential, clock.instant());
    }

    /**
     * As {@link #sign(MimeMessage, SigningCredential)} at a time the server's clock gave the caller (a broadcast
     * composes its Date and its verdict from one reading of the clock).
     */
    public MimeMessage sign(MimeMessage original, SigningCredential credential, Instant serverTime) throws MessagingException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(8192);
        try {
            original.writeTo(raw);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message to sign as " + credential.address() + ": " + e.getMessage(), e);
        }
        return new SignedMessage(sign(raw.toByteArray(), credential, serverTime));
    }

    /** The signed form of a whole message (header and body bytes as on the wire), signed at {@code serverTime}. */
    public byte[] sign(byte[] message, SigningCredential credential, Instant serverTime) throws MessagingException {
        try {
            Instant now = serverTime.truncatedTo(ChronoUnit.SECONDS);
            MimeEntity original = MimeEntity.parse(message);
            List<String> outer = outerHeader(original, now, credential.address());
            MimeEntity content = SevenBitContent.convert(new MimeEntity(original.contentLines(), original.body()));
            byte[] payload = Canonical.crlf(HeaderProtection.protect(content, outer).bytes());
            byte[] signature = signature(payload, credential, now, true);
            String boundary = boundary(payload);

            List<String> header = new ArrayList<>(outer);
            header.add("MIME-Version: 1.0");
            header.add("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n\tboundary=\""
                + boundary + "\"");
            ByteArrayOutputStream body = new ByteArrayOutputStream(payload.length + signature.length * 2 + 512);
            body.writeBytes(ascii("--" + boundary + "\r\n"));
            body.writeBytes(payload);
            body.writeBytes(ascii("\r\n--" + boundary + "\r\n" + SIGNATURE_PART_HEADERS));
            body.writeBytes(ascii(Base64.getMimeEncoder().encodeToString(signature)));
            body.writeBytes(ascii("\r\n--" + boundary + "--\r\n"));
            return new MimeEntity(header, body.toByteArray()).bytes();
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("cannot sign the message as " + credential.address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The original's header fields that stay outside: everything but the MIME fields of its content, with a Date
     * set from the server's clock unless the client's is close to it, and a Message-ID made when there is none.
     */
    private static List<String> outerHeader(MimeEntity original, Instant now, String signer) {
        MimeEntity outer = new MimeEntity(original.headerLines().stream()
            .filter(l -> !MimeEntity.name(l).startsWith("content-") && !MimeEntity.name(l).equals("mime-version")).toList(), new byte[0]);
        if (!dateIsCloseTo(outer.header("Date"), now)) {
            outer = outer.withHeader("Date", "Date: " + new MailDateFormat().format(Date.from(now)));
        }
        String messageId = outer.header("Message-ID");
        if (messageId == null || messageId.isBlank()) {
            byte[] unique = new byte[16];
            RANDOM.nextBytes(unique);
            outer = outer.withHeader("Message-ID", "Message-ID: <" + HexFormat.of().formatHex(unique) + "."
                + now.getEpochSecond() + "@" + signer.substring(signer.indexOf('@') + 1) + ">");
        }
        return outer.headerLines();
    }

    /** True when the Date value parses and is at most {@link #MAX_DATE_SKEW} from {@code now}. */
    static boolean dateIsCloseTo(String date, Instant now) {
        if (date == null) {
            return false;
        }
        try {
            Date parsed = new MailDateFormat().parse(date);
            return parsed != null && Duration.between(parsed.toInstant(), now).abs().compareTo(MAX_DATE_SKEW) <= 0;
        } catch (java.text.ParseException e) {
            return false;
        }
    }

    /** The detached CMS signature of {@code payload}; RSA keys sign in NSS when it is there ({@code nativeRsa}). */
    static byte[] signature(byte[] payload, SigningCredential credential, Instant signingTime, boolean nativeRsa) throws Exception {
        ASN1EncodableVector signedAttributes = new ASN1EncodableVector();
        signedAttributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
        SMIMECapabilityVector capabilities = new SMIMECapabilityVector();
        capabilities.addCapability(SMIMECapability.aES256_CBC);
        capabilities.addCapability(SMIMECapability.aES128_CBC);
        signedAttributes.add(new SMIMECapabilitiesAttribute(capabilities));

        DefaultSignedAttributeTableGenerator attributes = new DefaultSignedAttributeTableGenerator(new AttributeTable(signedAttributes));
        PrivateKey jdkKey = credential.privateKey();
        boolean rsa = !jdkKey.getAlgorithm().startsWith("EC");
        Optional<ContentSigner> nss = rsa && nativeRsa ? NssRsaSignatures.signer(jdkKey) : Optional.empty();
        SignerInfoGenerator signer;
        if (nss.isPresent()) {
            // The same SignerInfo as below, its signature value computed by NSS (NssRsaSignatures: why, and its check).
            signer = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                .setProvider(BouncyCastleProviderHolder.PROVIDER).build())
                .setSignedAttributeGenerator(attributes)
                .build(nss.get(), credential.certificate());
        } else {
            PrivateKey key = SIGNING_KEYS.asMap().computeIfAbsent(jdkKey, BouncyCastleProviderHolder::ownForm);
            signer = new JcaSimpleSignerInfoGeneratorBuilder()
                .setProvider(BouncyCastleProviderHolder.PROVIDER)
                .setSignedAttributeGenerator(attributes)
                .build(rsa ? "SHA256withRSA" : "SHA256withECDSA", key, credential.certificate());
        }
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(signer);
        generator.addCertificates(new JcaCertStore(credential.chain()));
        return generator.generate(new CMSProcessableByteArray(payload), false).getEncoded(ASN1Encoding.DER);
    }

    /** A boundary that occurs nowhere in the payload (RFC 2046 section 5.1.1). */
    private static String boundary(byte[] payload) {
        while (true) {
            byte[] r = new byte[18];
            RANDOM.nextBytes(r);
            String boundary = "----=_CivicMail_Signed_" + HexFormat.of().formatHex(r);
            if (!new String(payload, StandardCharsets.ISO_8859_1).contains(boundary)) {
                return boundary;
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The signed message as parsed from its bytes, so that writing it gives exactly the bytes signed. Its Message-ID
     * is protected by the signature, so saveChanges() (which javax.mail lets rewrite it) keeps it.
     */
    private static final class SignedMessage extends MimeMessage {
        SignedMessage(byte[] bytes) throws MessagingException {
            super((Session) null, new ByteArrayInputStream(bytes));
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                super.updateMessageID();
            }
        }
    }
}
