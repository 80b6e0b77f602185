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

/**
 * A throw-away root CA and one P-256 e-mail signing certificate under it, for signer tests without a server; more
 * leaves (RSA ones too) can be issued under the same root.
 */
public final class TestSigningPki {
    public final X509Certificate root;
    public final SigningCredential credential;
    private final PrivateKey rootKey;
    private final Instant notBefore;

    private TestSigningPki(X509Certificate root, PrivateKey rootKey, Instant notBefore, SigningCredential credential) {
        this.root = root;
        this.rootKey = rootKey;
        this.notBefore = notBefore;
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
        return new TestSigningPki(root, rootKey.getPrivate(), notBefore,
            leaf(root, rootKey.getPrivate(), address, leafKey, notBefore, BigInteger.valueOf(notBefore.toEpochMilli())));
    }

    /** A further credential for {@code address} under the same root, with a new RSA key of {@code bits}. */
    public SigningCredential rsaCredential(String address, int bits) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(bits);
        return leaf(root, rootKey, address, rsa.generateKeyPair(), notBefore, BigInteger.valueOf(System.nanoTime()));
    }

    private static SigningCredential leaf(X509Certificate root, PrivateKey rootKey, String address, KeyPair leafKey, Instant notBefore,
            BigInteger serial) throws Exception {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder l = new JcaX509v3CertificateBuilder(root, serial,
            Date.from(notBefore), Date.from(notBefore.plus(Duration.ofDays(365))), new X500Name("CN=" + address), leafKey.getPublic());
        l.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        l.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        l.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        l.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
        l.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
        l.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey.getPublic()));
        X509Certificate leaf = certificate(l, rootKey);
        return new SigningCredential(address, leafKey.getPrivate(), List.of(leaf, root));
    }

    private static X509Certificate certificate(JcaX509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    public Path writeRootPem(Path file) throws Exception {
        return Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }
}
