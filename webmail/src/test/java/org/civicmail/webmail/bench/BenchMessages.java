package org.civicmail.webmail.bench;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The benchmark's mailbox: a throw-away root CA, one signing official, and a mix of plain and signed messages
 * (every tenth is a signed notice, so the message page also pays for S/MIME verification).
 */
final class BenchMessages {

    final X509Certificate root;
    private final KeyPair signerKey;
    private final X509Certificate signer;

    BenchMessages() throws Exception {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rootKey = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name rootName = new X500Name("CN=Benchmark Root CA,O=CivicMail Benchmark");
        var rb = new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE, Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), rootName, rootKey.getPublic());
        rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        root = new JcaX509CertificateConverter().getCertificate(rb.build(new JcaContentSignerBuilder("SHA256withRSA").build(rootKey.getPrivate())));
        signerKey = g.generateKeyPair();
        var sb = new JcaX509v3CertificateBuilder(rootName, BigInteger.TWO, Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=市民政局,O=Benchmark City"), signerKey.getPublic());
        sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        sb.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, "notice@gov.bench.test")));
        signer = new JcaX509CertificateConverter().getCertificate(sb.build(new JcaContentSignerBuilder("SHA256withRSA").build(rootKey.getPrivate())));
    }

    /** One signed notice from the benchmark official (CN 市民政局, notice@gov.bench.test). */
    MimeMessage signedNotice(String to, String subject, String body) throws Exception {
        Session session = Session.getInstance(new Properties());
        MimeBodyPart content = new MimeBodyPart();
        content.setText(body, "UTF-8");
        SMIMESignedGenerator gen = new SMIMESignedGenerator();
        gen.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
                .build("SHA256withRSA", signerKey.getPrivate(), signer));
        gen.addCertificates(new JcaCertStore(List.of(signer)));
        MimeMultipart mm = gen.generate(content);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("notice@gov.bench.test"));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(new Date());
        m.setContent(mm, mm.getContentType());
        m.saveChanges();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        return new MimeMessage(session, new ByteArrayInputStream(raw.toByteArray()));
    }

    List<MimeMessage> mailbox(int count) throws Exception {
        Session session = Session.getInstance(new Properties());
        List<MimeMessage> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            MimeMessage m = new MimeMessage(session);
            String body = "第 " + i + " 封邮件。\n\n" + "这是基准测试的正文内容，模拟一封普通长度的市民邮件。\n".repeat(20);
            if (i % 10 == 0) {
                MimeBodyPart content = new MimeBodyPart();
                content.setText(body, "UTF-8");
                SMIMESignedGenerator gen = new SMIMESignedGenerator();
                gen.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
                        .build("SHA256withRSA", signerKey.getPrivate(), signer));
                gen.addCertificates(new JcaCertStore(List.of(signer)));
                MimeMultipart mm = gen.generate(content);
                m.setFrom(new InternetAddress("notice@gov.bench.test"));
                m.setContent(mm, mm.getContentType());
                m.setSubject("通知 " + i, "UTF-8");
            } else {
                m.setFrom(new InternetAddress("friend" + (i % 17) + "@bench.test"));
                m.setText(body, "UTF-8");
                m.setSubject("邮件 " + i, "UTF-8");
            }
            m.setRecipients(MimeMessage.RecipientType.TO, "user@bench.test");
            m.setSentDate(Date.from(Instant.now().minus(Duration.ofMinutes(count - i))));
            m.saveChanges();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            out.add(new MimeMessage(session, new ByteArrayInputStream(raw.toByteArray())));
        }
        return out;
    }
}
