package org.civicmail.verdict.testkit;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;

/**
 * Builds signed messages byte by byte, the way a mail client would (RFC 8551 multipart/signed or opaque
 * application/pkcs7-mime, optionally with RFC 9788 header protection), so attack fixtures can then be derived by
 * editing exact bytes. Lines end in CRLF.
 */
public final class SignedMail {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body = "Please pay 120 yuan by 31 December.\r\n应纳税额=1200\r\n";
    private boolean protectHeaders = true;
    private String entity;
    private final List<Pki.Entity> signers = new ArrayList<>();
    private List<X509Certificate> certificates;
    private Instant signingTime = Instant.now();

    public static SignedMail message(String from, String to, String subject) {
        SignedMail m = new SignedMail();
        m.headers.put("From", from);
        m.headers.put("To", to);
        m.headers.put("Subject", subject);
        m.headers.put("Date", "Mon, 30 Nov 2026 09:00:00 +0800");
        m.headers.put("Message-ID", "<" + Math.abs(subject.hashCode()) + ".fixture@gov.hangzhou.example>");
        return m;
    }

    public SignedMail header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public SignedMail body(String text) {
        body = text;
        return this;
    }

    /** A whole MIME entity (its Content-Type and other content headers, blank line, body) as the signed content. */
    public SignedMail entity(String contentHeadersAndBody) {
        entity = contentHeadersAndBody;
        return this;
    }

    public SignedMail unprotected() {
        protectHeaders = false;
        return this;
    }

    public SignedMail signedBy(Pki.Entity signer) {
        signers.add(signer);
        return this;
    }

    /** The certificates put in the CMS; by default the first signer's full chain. */
    public SignedMail certificates(List<X509Certificate> certs) {
        certificates = certs;
        return this;
    }

    public SignedMail signingTime(Instant time) {
        signingTime = time;
        return this;
    }

    /** The content that gets signed: part 1 of multipart/signed, or the encapsulated entity of the opaque form. */
    public String signedEntity() {
        StringBuilder p = new StringBuilder();
        if (protectHeaders) {
            headers.forEach((name, value) -> p.append(name).append(": ").append(value).append("\r\n"));
        }
        if (entity != null) {
            int end = entity.indexOf("\r\n");
            // hp goes on the Content-Type of the payload's root (RFC 9788), here the entity's first line.
            return p.append(entity, 0, end).append(protectHeaders ? "; hp=\"clear\"" : "").append(entity.substring(end)).toString();
        }
        p.append("Content-Type: text/plain; charset=UTF-8").append(protectHeaders ? "; hp=\"clear\"" : "").append("\r\n");
        p.append("Content-Transfer-Encoding: base64\r\n\r\n");
        p.append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(body.getBytes(StandardCharsets.UTF_8))).append("\r\n");
        return p.toString();
    }

    public byte[] detached() throws Exception {
        String part = signedEntity();
        byte[] signature = sign(part.getBytes(StandardCharsets.UTF_8), false);
        String boundary = "----=_signed_" + Integer.toHexString(part.hashCode());
        StringBuilder m = outerHeaders();
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"")
            .append(boundary).append("\"\r\n\r\n");
        m.append("This is an S/MIME signed message\r\n");
        m.append("--").append(boundary).append("\r\n").append(part).append("\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: application/pkcs7-signature; name=smime.p7s\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment; filename=smime.p7s\r\n\r\n");
        m.append(base64(signature)).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] opaque() throws Exception {
        byte[] signed = sign(signedEntity().getBytes(StandardCharsets.UTF_8), true);
        StringBuilder m = outerHeaders();
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment; filename=smime.p7m\r\n\r\n");
        m.append(base64(signed)).append("\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder outerHeaders() {
        StringBuilder m = new StringBuilder();
        headers.forEach((name, value) -> m.append(name).append(": ").append(value).append("\r\n"));
        return m;
    }

    private byte[] sign(byte[] content, boolean encapsulate) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        for (Pki.Entity signer : signers) {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                .setSignedAttributeGenerator(new AttributeTable(attributes))
                .build(signer.key().getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA",
                    signer.key().getPrivate(), signer.cert()));
        }
        generator.addCertificates(new JcaCertStore(certificates != null ? certificates : signers.get(0).chain()));
        CMSSignedData data = generator.generate(new CMSProcessableByteArray(content), encapsulate);
        return data.getEncoded();
    }

    static String base64(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes);
    }
}
