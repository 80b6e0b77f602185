package org.civicmail.webmail.testkit;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA for tests: root → issuing CA → end-entity certificates; signs S/MIME messages. */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    static {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    /** An end entity: key, certificate, and the chain to include when signing (leaf first). */
    public record Entity(KeyPair key, X509Certificate cert, List<X509Certificate> chain) {}

    public final KeyPair rootKey;
    public final X509Certificate root;
    public final KeyPair issuingKey;
    public final X509Certificate issuing;

    private TestPki(String name) throws Exception {
        rootKey = rsa();
        Instant now = Instant.now();
        root = ca(new X500Name("CN=" + name + " Root CA,O=City of Test"), rootKey, null, null, now.minus(Duration.ofDays(3650)),
                now.plus(Duration.ofDays(3650)));
        issuingKey = rsa();
        issuing = ca(new X500Name("CN=" + name + " Issuing CA,O=City of Test"), issuingKey,
                X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), rootKey.getPrivate(),
                now.minus(Duration.ofDays(3000)), now.plus(Duration.ofDays(3000)));
    }

    public static TestPki create(String name) throws Exception {
        return new TestPki(name);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate ca(X500Name subject, KeyPair key, X500Name issuer, java.security.PrivateKey issuerKey,
                                      Instant from, Instant to) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer == null ? subject : issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey == null ? key.getPrivate() : issuerKey)));
    }

    /** A person's or organisation's S/MIME certificate with rfc822Name SAN and (optionally) emailProtection. */
    public Entity person(String email, String cn, String org, Instant notBefore, Instant notAfter, boolean emailEku)
            throws Exception {
        KeyPair key = rsa();
        X500Name subject = new X500Name("CN=" + cn + (org == null ? "" : ",O=" + org));
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (emailEku) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection, KeyPurposeId.id_kp_clientAuth}));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuingKey.getPrivate())));
        return new Entity(key, cert, List.of(cert, issuing));
    }

    /** A person certificate naming an OCSP responder (AIA) and/or a CRL distribution point; either may be null. */
    public Entity personWithRevocationUrls(String email, String cn, String ocspUrl, String crlUrl) throws Exception {
        KeyPair key = rsa();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=" + cn), key.getPublic());
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
        if (ocspUrl != null) {
            b.addExtension(Extension.authorityInfoAccess, false, new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                    org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp,
                    new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
        }
        if (crlUrl != null) {
            var dpName = new org.bouncycastle.asn1.x509.DistributionPointName(
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl)));
            b.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(
                    new org.bouncycastle.asn1.x509.DistributionPoint[] {
                            new org.bouncycastle.asn1.x509.DistributionPoint(dpName, null, null)}));
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuingKey.getPrivate())));
        return new Entity(key, cert, List.of(cert, issuing));
    }

    public Entity person(String email, String cn, String org) throws Exception {
        Instant now = Instant.now();
        return person(email, cn, org, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(365)), true);
    }

    /** A TLS server certificate for localhost / 127.0.0.1 issued by the issuing CA. */
    public Entity server() throws Exception {
        KeyPair key = rsa();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=localhost"), key.getPublic());
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuingKey.getPrivate())));
        return new Entity(key, cert, List.of(cert, issuing));
    }

    /** Writes a PKCS#12 with the entity's key and chain. */
    public static void writePkcs12(Entity e, Path file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", e.key().getPrivate(), password, e.chain().toArray(new X509Certificate[0]));
        try (var out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
    }

    public void writeRootPem(Path file) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(root.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, pem);
    }

    public static Session session() {
        return Session.getInstance(new Properties());
    }

    /**
     * A multipart/signed message (detached CMS, SHA-256, chain included).
     * @param html  body as text/html when true, text/plain otherwise
     * @param signingTime CMS signing-time attribute
     */
    public static MimeMessage signed(Entity signer, String from, String to, String subject, String body, boolean html,
                                     Instant signingTime) throws Exception {
        MimeBodyPart content = new MimeBodyPart();
        if (html) {
            content.setContent(body, "text/html; charset=UTF-8");
        } else {
            content.setText(body, "UTF-8");
        }
        content.setHeader("Content-Transfer-Encoding", isAscii(body) ? "7bit" : "base64");
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
        SMIMESignedGenerator gen = new SMIMESignedGenerator();
        gen.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
                .setSignedAttributeGenerator(new AttributeTable(attrs))
                .build("SHA256withRSA", signer.key().getPrivate(), signer.cert()));
        gen.addCertificates(new JcaCertStore(signer.chain()));
        MimeMultipart mm = gen.generate(content);
        MimeMessage m = new MimeMessage(session());
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(signingTime));
        m.setContent(mm, mm.getContentType());
        m.saveChanges();
        return reparse(bytes(m));
    }

    /**
     * A multipart/signed message with RFC 9788 header protection: the signed part carries {@code hp="clear"} and
     * copies of From, To, Subject, Date and Message-ID, equal to the outer ones.
     */
    public static MimeMessage signedProtected(Entity signer, String from, String to, String subject, String body)
            throws Exception {
        String date = new jakarta.mail.internet.MailDateFormat().format(new Date());
        String messageId = "<" + SERIAL.incrementAndGet() + ".protected@city.test>";
        String encodedSubject = jakarta.mail.internet.MimeUtility.encodeText(subject, "UTF-8", null);
        MimeBodyPart content = new MimeBodyPart();
        content.setText(body, "UTF-8");
        content.setHeader("Content-Type", "text/plain; charset=UTF-8; hp=\"clear\"");
        content.setHeader("Content-Transfer-Encoding", "base64");
        content.setHeader("From", from);
        content.setHeader("To", to);
        content.setHeader("Subject", encodedSubject);
        content.setHeader("Date", date);
        content.setHeader("Message-ID", messageId);
        SMIMESignedGenerator gen = new SMIMESignedGenerator();
        gen.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
                .build("SHA256withRSA", signer.key().getPrivate(), signer.cert()));
        gen.addCertificates(new JcaCertStore(signer.chain()));
        MimeMultipart mm = gen.generate(content);
        MimeMessage m = new MimeMessage(session()) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setHeader("From", from);
        m.setHeader("To", to);
        m.setHeader("Subject", encodedSubject);
        m.setHeader("Date", date);
        m.setContent(mm, mm.getContentType());
        m.saveChanges();
        return reparse(bytes(m));
    }

    /** Replaces one field of the outer header only (the signed copy inside stays), as a re-sender would. */
    public static MimeMessage reheader(MimeMessage m, String name, String value) throws Exception {
        String raw = new String(bytes(m), StandardCharsets.UTF_8);
        int end = raw.indexOf("\r\n\r\n");
        String head = raw.substring(0, end + 2);
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("(?m)^" + name + ":.*\r\n(?:[ \t].*\r\n)*").matcher(head);
        String replaced = field.find() ? head.substring(0, field.start()) + name + ": " + value + "\r\n" + head.substring(field.end())
                : name + ": " + value + "\r\n" + head;
        return reparse((replaced + raw.substring(end + 2)).getBytes(StandardCharsets.UTF_8));
    }

    public static MimeMessage signed(Entity signer, String from, String subject, String body) throws Exception {
        return signed(signer, from, "citizen@city.test", subject, body, false, Instant.now());
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    public static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    public static MimeMessage reparse(byte[] raw) throws Exception {
        return new MimeMessage(session(), new ByteArrayInputStream(raw));
    }

    /** Replaces text in the raw message bytes (to simulate tampering in transit). */
    public static MimeMessage tamper(MimeMessage m, String from, String to) throws Exception {
        String raw = new String(bytes(m), StandardCharsets.UTF_8);
        if (!raw.contains(from)) {
            throw new IOException("text '" + from + "' not in message");
        }
        return reparse(raw.replace(from, to).getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a header line on top of a raw message (as the server does with X-CivicMail-Signature). */
    public static MimeMessage withHeader(MimeMessage m, String name, String value) throws Exception {
        byte[] raw = bytes(m);
        byte[] head = (name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + raw.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(raw, 0, out, head.length, raw.length);
        return reparse(out);
    }
}
