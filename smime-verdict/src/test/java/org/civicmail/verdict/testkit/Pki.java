package org.civicmail.verdict.testkit;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate hierarchy for tests: root CA, issuing CA, and end entities with whatever extensions an
 * attack needs. EC P-256 keys (fast); every CA certificate carries SKI/AKI as the city CA's do.
 */
public final class Pki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);

    /** A key and its certificate, with the CA certificates above it (issuing first). */
    public record Entity(KeyPair key, X509Certificate cert, List<X509Certificate> cas) {
        public List<X509Certificate> chain() {
            List<X509Certificate> all = new ArrayList<>(List.of(cert));
            all.addAll(cas);
            return all;
        }
    }

    public final Entity root;
    public final Entity issuing;

    private Pki(Entity root, Entity issuing) {
        this.root = root;
        this.issuing = issuing;
    }

    /** A root and an issuing CA named {@code name}, valid ten years either side of now. */
    public static Pki create(String name) throws Exception {
        Instant now = Instant.now();
        KeyPair rootKey = ec();
        X500Name rootName = new X500Name("CN=" + name + " Root CA,O=" + name);
        X509Certificate root = build(rootName, rootKey, rootName, rootKey.getPrivate(), null, now.minus(Duration.ofDays(3650)),
            now.plus(Duration.ofDays(3650)), b -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });
        Entity rootEntity = new Entity(rootKey, root, List.of());
        KeyPair issuingKey = ec();
        X509Certificate issuing = build(new X500Name("CN=" + name + " Issuing CA,O=" + name), issuingKey, rootName,
            rootKey.getPrivate(), root, now.minus(Duration.ofDays(3000)), now.plus(Duration.ofDays(3000)), b -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });
        return new Pki(rootEntity, new Entity(issuingKey, issuing, List.of(root)));
    }

    /** An e-mail signing certificate for {@code address}, valid a year either side of now. */
    public Entity person(String address) throws Exception {
        return person(address, new LeafOptions());
    }

    public Entity person(String address, LeafOptions o) throws Exception {
        KeyPair key = o.rsaBits > 0 ? rsa(o.rsaBits) : ec();
        Instant now = Instant.now();
        Instant notBefore = o.notBefore != null ? o.notBefore : now.minus(Duration.ofDays(365));
        Instant notAfter = o.notAfter != null ? o.notAfter : now.plus(Duration.ofDays(365));
        X509Certificate cert = build(new X500Name("CN=" + o.commonName + ",O=" + o.organisation), key,
            X500Name.getInstance(issuing.cert().getSubjectX500Principal().getEncoded()), issuing.key().getPrivate(), issuing.cert(),
            notBefore, notAfter, b -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                if (o.keyUsage >= 0) {
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(o.keyUsage));
                }
                if (o.eku != null) {
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(o.eku));
                }
                b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
                if (o.ocspUrl != null) {
                    b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        new AccessDescription(AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, o.ocspUrl))));
                }
                if (o.crlUrl != null) {
                    b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                        new DistributionPoint(new DistributionPointName(new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, o.crlUrl))), null, null)}));
                }
            });
        return new Entity(key, cert, List.of(issuing.cert(), root.cert()));
    }

    /** A delegated OCSP responder certificate issued by the issuing CA, with or without id-kp-OCSPSigning. */
    public Entity ocspResponder(boolean withOcspSigning) throws Exception {
        KeyPair key = ec();
        Instant now = Instant.now();
        X509Certificate cert = build(new X500Name("CN=OCSP responder " + SERIAL.get()), key,
            X500Name.getInstance(issuing.cert().getSubjectX500Principal().getEncoded()), issuing.key().getPrivate(), issuing.cert(),
            now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), b -> {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    withOcspSigning ? KeyPurposeId.id_kp_OCSPSigning : KeyPurposeId.id_kp_emailProtection));
            });
        return new Entity(key, cert, List.of(issuing.cert(), root.cert()));
    }

    /** Extensions and dates of an end-entity certificate; defaults are what the city CA issues. */
    public static final class LeafOptions {
        String commonName = "Test Person";
        String organisation = "Test Org";
        Instant notBefore;
        Instant notAfter;
        int keyUsage = KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
        KeyPurposeId[] eku = {KeyPurposeId.id_kp_emailProtection};
        String ocspUrl;
        String crlUrl;
        int rsaBits;

        /** An RSA key of {@code bits} for the leaf instead of P-256. */
        public LeafOptions rsa(int bits) {
            rsaBits = bits;
            return this;
        }

        public LeafOptions names(String cn, String o) {
            commonName = cn;
            organisation = o;
            return this;
        }

        public LeafOptions valid(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        public LeafOptions keyUsage(int bits) {
            keyUsage = bits;
            return this;
        }

        public LeafOptions noExtendedKeyUsage() {
            eku = null;
            return this;
        }

        public LeafOptions extendedKeyUsage(KeyPurposeId... purposes) {
            eku = purposes;
            return this;
        }

        public LeafOptions ocsp(String url) {
            ocspUrl = url;
            return this;
        }

        public LeafOptions crl(String url) {
            crlUrl = url;
            return this;
        }
    }

    interface Extensions {
        void add(X509v3CertificateBuilder b) throws Exception;
    }

    static X509Certificate build(X500Name subject, KeyPair key, X500Name issuer, PrivateKey issuerKey, X509Certificate issuerCert,
                                 Instant from, Instant to, Extensions extensions) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(from), Date.from(to), subject, key.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key.getPublic()));
        ASN1Encodable aki = issuerCert == null ? utils.createAuthorityKeyIdentifier(key.getPublic())
            : utils.createAuthorityKeyIdentifier(issuerCert);
        b.addExtension(Extension.authorityKeyIdentifier, false, aki);
        extensions.add(b);
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
