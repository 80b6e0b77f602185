package org.civicmail.smime;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away root CA and one P-256 e-mail signing certificate under it, for signer tests without a server. */
public final class TestSigningPki {
    public final X509Certificate root;
    public final SigningCredential credential;

    private TestSigningPki(X509Certificate root, SigningCredential credential) {
        this.root = root;
        this.credential = credential;
    }

    /** A root and a leaf for {@code address}, the leaf valid from {@code notBefore} for a year. */
    public static TestSigningPki create(String address, Instant notBefore) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair rootKey = ec.generateKeyPair();
        KeyPair leafKey = ec.generateKeyPair();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X500Name rootName = new X500Name("CN=Signer Test Root,O=CivicMail Test");
        JcaX509v3CertificateBuilder r = new JcaX509v3CertificateBuilder(rootName, BigInteger.valueOf(1), Date.from(notBefore.minus(Duration.ofDays(1))),
            Date.from(notBefore.plus(Duration.ofDays(3650))), rootName, rootKey.getPublic());
        r.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        r.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        r.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKey.getPublic()));
        X509Certificate root = certificate(r, rootKey.getPrivate());

        JcaX509v3CertificateBuilder l = new JcaX509v3CertificateBuilder(root, BigInteger.valueOf(notBefore.toEpochMilli()),
            Date.from(notBefore), Date.from(notBefore.plus(Duration.ofDays(365))), new X500Name("CN=" + address), leafKey.getPublic());
        l.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        l.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        l.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        l.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
        l.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
        l.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey.getPublic()));
        X509Certificate leaf = certificate(l, rootKey.getPrivate());
        return new TestSigningPki(root, new SigningCredential(address, leafKey.getPrivate(), List.of(leaf, root)));
    }

    private static X509Certificate certificate(JcaX509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    public Path writeRootPem(Path file) throws Exception {
        return Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }
}
