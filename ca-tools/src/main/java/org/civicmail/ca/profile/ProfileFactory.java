package org.civicmail.ca.profile;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.IssuerSlot;
import org.civicmail.ca.Subject;

/**
 * Builds the {@link CertificateTemplate} of each profile. Identity comes only from the
 * {@link Subject} (the account directory) and the CA's own settings, never from a CSR.
 */
public final class ProfileFactory {
    public static final Duration SMIME_VALIDITY = Duration.ofDays(730);
    public static final Duration TLS_VALIDITY = Duration.ofDays(397);
    public static final Duration OCSP_SIGNER_VALIDITY = Duration.ofDays(90);
    public static final Duration ISSUING_CA_VALIDITY = Duration.ofDays(3652);
    public static final Duration ROOT_CA_VALIDITY = Duration.ofDays(7305);
    /** Backdating against clock skew of relying parties. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final String country;
    private final String caOrganization;
    private final CaUrls urls;
    private final Clock clock;

    public ProfileFactory(String country, String caOrganization, CaUrls urls, Clock clock) {
        this.country = country;
        this.caOrganization = caOrganization;
        this.urls = urls;
        this.clock = clock;
    }

    public CertificateTemplate smime(Subject subject, PublicKey key, X509Certificate issuer) {
        CertProfile profile = smimeProfile(subject);
        X500NameBuilder dn = new X500NameBuilder(BCStyle.INSTANCE);
        // Field by field as the S/MIME BR strict profiles allow (§7.1.4.2.3-6); the lint checks each rule again.
        switch (profile) {
            case CITIZEN_MAILBOX -> dn.addRDN(BCStyle.CN, subject.emailAddress());
            case CITIZEN_INDIVIDUAL -> addPerson(dn, subject.person().orElseThrow());
            case LEGAL_ENTITY, AGENCY_MAILBOX -> {
                addOrganization(dn, subject);
                dn.addRDN(BCStyle.CN, subject.organizationName().orElseThrow());
            }
            case OFFICIAL -> {
                addOrganization(dn, subject);
                addPerson(dn, subject.person().orElseThrow());
            }
            default -> throw new IllegalStateException(profile.name());
        }
        boolean rsa = "RSA".equals(key.getAlgorithm());
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(false));
        add(ext, Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement)));
        add(ext, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        add(ext, Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, subject.emailAddress())));
        add(ext, Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation(profile.policy())));
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        addRevocationPointers(ext, issuer);
        return template(profile, issuer, dn.build(), key, SMIME_VALIDITY, ext, subject.emailAddress(), List.of());
    }

    /** countryName, organizationName, organizationIdentifier: the organisation of an organization- or sponsor-validated subject. */
    private void addOrganization(X500NameBuilder dn, Subject subject) {
        dn.addRDN(BCStyle.C, country);
        dn.addRDN(BCStyle.O, subject.organizationName().orElseThrow());
        dn.addRDN(BCStyle.ORGANIZATION_IDENTIFIER, subject.creditCode().map(this::organizationIdentifier).orElse(governmentEntity()));
    }

    /** surname, givenName (if any) and the full name as commonName (S/MIME BR §7.1.4.2.2(a), (e)). */
    private static void addPerson(X500NameBuilder dn, org.civicmail.ca.PersonName person) {
        dn.addRDN(BCStyle.SURNAME, person.surname());
        if (person.givenName() != null) {
            dn.addRDN(BCStyle.GIVENNAME, person.givenName());
        }
        dn.addRDN(BCStyle.CN, person.fullName());
    }

    public static CertProfile smimeProfile(Subject subject) {
        return switch (subject.profile()) {
            case CITIZEN -> subject.person().isPresent() ? CertProfile.CITIZEN_INDIVIDUAL : CertProfile.CITIZEN_MAILBOX;
            case LEGAL_ENTITY -> CertProfile.LEGAL_ENTITY;
            case OFFICIAL -> CertProfile.OFFICIAL;
            case AGENCY -> CertProfile.AGENCY_MAILBOX;
        };
    }

    /** organizationIdentifier as the S/MIME BR format it (§7.1.4.2.2(d)): scheme NTR, country, hyphen, register number. */
    public String organizationIdentifier(String creditCode) {
        return "NTR" + country + "-" + creditCode;
    }

    /**
     * organizationIdentifier of a government entity without a register number: scheme GOV and the country
     * (S/MIME BR §7.1.4.2.2(d) note 2), e.g. GOVCN.
     */
    public String governmentEntity() {
        return "GOV" + country;
    }

    public CertificateTemplate tlsServer(List<String> names, PublicKey key, X509Certificate issuer) {
        if (names.isEmpty()) {
            throw new InvalidInputException("a TLS server certificate needs at least one DNS name");
        }
        List<GeneralName> san = new ArrayList<>();
        for (String n : names) {
            san.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, dnsName(n)));
        }
        X500Name dn = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names.get(0)).build();
        boolean rsa = "RSA".equals(key.getAlgorithm());
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(false));
        add(ext, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0)));
        add(ext, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        add(ext, Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        addRevocationPointers(ext, issuer);
        return template(CertProfile.TLS_SERVER, issuer, dn, key, TLS_VALIDITY, ext, null, names);
    }

    public CertificateTemplate ocspSigner(PublicKey key, X509Certificate issuer) {
        X500Name dn = caName(switch (slotOf(issuer)) {
            case LEGACY -> "CivicMail OCSP Responder";
            case SMIME -> "CivicMail S/MIME OCSP Responder";
            case TLS -> "CivicMail TLS OCSP Responder";
        });
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(false));
        add(ext, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        add(ext, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
        add(ext, OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
        // Clients find the responder's certificate by this id (gpgsm: "no suitable certificate" without it).
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        add(ext, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(subjectKeyId(issuer)));
        return template(CertProfile.OCSP_SIGNER, issuer, dn, key, OCSP_SIGNER_VALIDITY, ext, null, List.of());
    }

    public CertificateTemplate issuingCa(PublicKey key, X509Certificate root) {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(0));
        add(ext, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        add(ext, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(subjectKeyId(root)));
        return template(CertProfile.ISSUING_CA, root, caName("CivicMail Issuing CA 1"), key, ISSUING_CA_VALIDITY, ext, null,
                List.of());
    }

    /**
     * The S/MIME issuing CA (S/MIME BR §7.1.2.2): emailProtection only, name constraints permitting
     * mailboxes of exactly {@code mailDomains}, the four strict policy OIDs it issues under, CRL DP of
     * the root's CRL and AIA caIssuers of the root.
     */
    public CertificateTemplate smimeIssuingCa(PublicKey key, X509Certificate root, List<String> mailDomains) {
        if (mailDomains.isEmpty()) {
            throw new InvalidInputException("an S/MIME issuing CA needs at least one mail domain to be constrained to");
        }
        List<GeneralSubtree> permitted = new ArrayList<>();
        for (String d : mailDomains) {
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, dnsName(d))));
        }
        List<PolicyInformation> policies = new ArrayList<>();
        for (CertProfile p : CertProfile.values()) {
            if (p.isSmime()) {
                policies.add(new PolicyInformation(p.policy()));
            }
        }
        return boundCa(CertProfile.SMIME_ISSUING_CA, "CivicMail S/MIME Issuing CA 2", key, root, KeyPurposeId.id_kp_emailProtection,
                permitted, policies);
    }

    /** The TLS issuing CA: serverAuth only, name constraints permitting exactly {@code names} (DNS names or IP addresses). */
    public CertificateTemplate tlsIssuingCa(PublicKey key, X509Certificate root, List<String> names) {
        if (names.isEmpty()) {
            throw new InvalidInputException("a TLS issuing CA needs at least one host name to be constrained to");
        }
        List<GeneralSubtree> permitted = new ArrayList<>();
        for (String n : names) {
            if (isIpLiteral(n)) {
                byte[] address;
                try {
                    address = java.net.InetAddress.getByName(n).getAddress();
                } catch (java.net.UnknownHostException e) {
                    throw new InvalidInputException("'" + n + "' is not an IP address");
                }
                byte[] withMask = new byte[address.length * 2];
                System.arraycopy(address, 0, withMask, 0, address.length);
                java.util.Arrays.fill(withMask, address.length, withMask.length, (byte) 0xff);
                permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(withMask))));
            } else {
                permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, dnsName(n))));
            }
        }
        return boundCa(CertProfile.TLS_ISSUING_CA, "CivicMail TLS Issuing CA 2", key, root, KeyPurposeId.id_kp_serverAuth, permitted,
                List.of(new PolicyInformation(new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.5.29.32.0"))));
    }

    private CertificateTemplate boundCa(CertProfile profile, String cn, PublicKey key, X509Certificate root, KeyPurposeId purpose,
                                        List<GeneralSubtree> permitted, List<PolicyInformation> policies) {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(0));
        add(ext, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        add(ext, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        add(ext, Extension.nameConstraints, true, new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null));
        add(ext, Extension.certificatePolicies, false, new CertificatePolicies(policies.toArray(new PolicyInformation[0])));
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        add(ext, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(subjectKeyId(root)));
        add(ext, Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, urls.rootCrl()))), null, null)}));
        add(ext, Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription(
                AccessDescription.id_ad_caIssuers, new GeneralName(GeneralName.uniformResourceIdentifier, urls.rootCertificate()))));
        return template(profile, root, caName(cn), key, ISSUING_CA_VALIDITY, ext, null, List.of());
    }

    public CertificateTemplate rootCa(PublicKey key) {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        add(ext, Extension.basicConstraints, true, new BasicConstraints(true));
        add(ext, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        add(ext, Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(key)));
        X500Name dn = caName("CivicMail Root CA");
        Instant from = clock.instant().minus(BACKDATE);
        return new CertificateTemplate(CertProfile.ROOT_CA, dn, dn, spki(key), from,
                from.plus(ROOT_CA_VALIDITY).minusSeconds(1), ext.generate(), null, List.of(), null);
    }

    private X500Name caName(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, country).addRDN(BCStyle.O, caOrganization)
                .addRDN(BCStyle.CN, cn).build();
    }

    private void addRevocationPointers(ExtensionsGenerator ext, X509Certificate issuer) {
        IssuerSlot slot = slotOf(issuer);
        add(ext, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(subjectKeyId(issuer)));
        GeneralName crl = new GeneralName(GeneralName.uniformResourceIdentifier, urls.crl(slot));
        add(ext, Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(crl)), null, null)}));
        add(ext, Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                new AccessDescription(AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, urls.ocsp())),
                new AccessDescription(AccessDescription.id_ad_caIssuers,
                        new GeneralName(GeneralName.uniformResourceIdentifier, urls.caIssuers(slot)))}));
    }

    /**
     * Which of our issuing CAs {@code issuer} is, by its extKeyUsage: emailProtection → {@link IssuerSlot#SMIME},
     * serverAuth → {@link IssuerSlot#TLS}, none → the first-generation {@link IssuerSlot#LEGACY}. Its certificates
     * point at that CA's CRL and certificate.
     */
    public static IssuerSlot slotOf(X509Certificate issuer) {
        try {
            List<String> eku = issuer.getExtendedKeyUsage();
            if (eku == null) {
                return IssuerSlot.LEGACY;
            }
            if (eku.contains(KeyPurposeId.id_kp_emailProtection.getId())) {
                return IssuerSlot.SMIME;
            }
            if (eku.contains(KeyPurposeId.id_kp_serverAuth.getId())) {
                return IssuerSlot.TLS;
            }
            return IssuerSlot.LEGACY;
        } catch (java.security.cert.CertificateParsingException e) {
            throw new CaException("cannot read the extKeyUsage of " + issuer.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    private CertificateTemplate template(CertProfile profile, X509Certificate issuer, X500Name dn, PublicKey key,
                                         Duration validity, ExtensionsGenerator ext, String email, List<String> dns) {
        Instant from = clock.instant().minus(BACKDATE);
        return new CertificateTemplate(profile, X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), dn,
                spki(key), from, from.plus(validity).minusSeconds(1), ext.generate(), email, dns, subjectKeyId(issuer));
    }

    private static void add(ExtensionsGenerator ext, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, boolean critical,
                            org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            ext.addExtension(oid, critical, value);
        } catch (IOException e) {
            throw new CaException("cannot encode extension " + oid + ": " + e.getMessage(), e);
        }
    }

    public static SubjectPublicKeyInfo spki(PublicKey key) {
        return SubjectPublicKeyInfo.getInstance(key.getEncoded());
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
    public static byte[] keyId(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(spki(key).getPublicKeyData().getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer's subject key identifier, or one computed from its key if it has none. */
    public static byte[] subjectKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ext == null) {
            return keyId(cert.getPublicKey());
        }
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
    }

    static boolean isIpLiteral(String n) {
        return n.matches("[0-9.]+") || n.contains(":");
    }

    private static String dnsName(String n) {
        String d = n.trim().toLowerCase(java.util.Locale.ROOT);
        if (!d.matches("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
            throw new InvalidInputException("DNS name '" + n + "' is not a host name (letters, digits, hyphens, dots)");
        }
        return d;
    }

}
