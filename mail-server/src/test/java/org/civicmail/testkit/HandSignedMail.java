package org.civicmail.testkit;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.civicmail.smime.SigningCredential;

/**
 * A multipart/signed message built byte by byte as a desktop client would send it, optionally with RFC 9788 header
 * protection (part 1 has hp="clear" and copies of From, To, Subject, Date, Message-ID), and with exactly the
 * certificates chosen (e.g. the leaf only). For attacks that need control over every byte.
 */
public final class HandSignedMail {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean protect = true;

    public static HandSignedMail message(String from, String to, String subject) {
        HandSignedMail m = new HandSignedMail();
        m.headers.put("From", from);
        m.headers.put("To", to);
        m.headers.put("Subject", subject);
        m.headers.put("Date", new javax.mail.internet.MailDateFormat().format(new Date()));
        m.headers.put("Message-ID", "<" + System.nanoTime() + ".hand-signed@gov.hangzhou.example>");
        return m;
    }

    public HandSignedMail unprotected() {
        protect = false;
        return this;
    }

    public byte[] sign(SigningCredential credential, List<X509Certificate> attached, String body) throws Exception {
        StringBuilder part = new StringBuilder();
        if (protect) {
            headers.forEach((n, v) -> part.append(n).append(": ").append(v).append("\r\n"));
        }
        part.append("Content-Type: text/plain; charset=UTF-8").append(protect ? "; hp=\"clear\"" : "").append("\r\n")
            .append("Content-Transfer-Encoding: base64\r\n\r\n")
            .append(Base64.getMimeEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))).append("\r\n");
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        String algorithm = credential.privateKey().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().build(algorithm, credential.privateKey(),
            credential.certificate()));
        generator.addCertificates(new JcaCertStore(attached));
        byte[] signature = generator.generate(new CMSProcessableByteArray(part.toString().getBytes(StandardCharsets.UTF_8)), false)
            .getEncoded();
        String boundary = "hand-signed-" + System.nanoTime();
        StringBuilder m = new StringBuilder();
        headers.forEach((n, v) -> m.append(n).append(": ").append(v).append("\r\n"));
        m.append("MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"")
            .append(boundary).append("\"\r\n\r\n--").append(boundary).append("\r\n").append(part).append("\r\n--").append(boundary)
            .append("\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .append(Base64.getMimeEncoder().encodeToString(signature)).append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
