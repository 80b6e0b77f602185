package org.civicmail.ca;

import org.civicmail.ca.profile.CertProfile;

/**
 * The issuing CAs under our root, each with its own key file, OCSP signer, CRL and URLs.
 *
 * <ul>
 *   <li>{@link #LEGACY}: the first-generation issuing CA (no EKU, no name constraints) that signed S/MIME and TLS
 *       certificates alike. Data directories made before the purpose-bound CAs keep it so that the certificates it
 *       issued stay valid and revocable until {@code ca renew-all} replaces them; it issues nothing new once the
 *       bound CAs exist.</li>
 *   <li>{@link #SMIME}: S/MIME BR §7.1.2.2 issuing CA, emailProtection only, rfc822Name constraints.</li>
 *   <li>{@link #TLS}: serverAuth only, dNSName / iPAddress constraints.</li>
 * </ul>
 */
public enum IssuerSlot {
    LEGACY("issuing", "issuing-ca.p12", "issuing-ca", "ocsp-signer.p12", CertProfile.ISSUING_CA),
    SMIME("smime", "smime-ca.p12", "smime-ca", "ocsp-smime.p12", CertProfile.SMIME_ISSUING_CA),
    TLS("tls", "tls-ca.p12", "tls-ca", "ocsp-tls.p12", CertProfile.TLS_ISSUING_CA);

    private final String slug;
    private final String keyFile;
    private final String alias;
    private final String ocspFile;
    private final CertProfile profile;

    IssuerSlot(String slug, String keyFile, String alias, String ocspFile, CertProfile profile) {
        this.slug = slug;
        this.keyFile = keyFile;
        this.alias = alias;
        this.ocspFile = ocspFile;
        this.profile = profile;
    }

    /** The name in URLs ({@code /ca/<slug>.der}, {@code /crl/<slug>.crl}) and in the CRL table. */
    public String slug() {
        return slug;
    }

    public String keyFile() {
        return keyFile;
    }

    public String alias() {
        return alias;
    }

    public String ocspFile() {
        return ocspFile;
    }

    public CertProfile profile() {
        return profile;
    }

    /** The slot of a URL or table name, if any. */
    public static java.util.Optional<IssuerSlot> ofSlug(String slug) {
        for (IssuerSlot s : values()) {
            if (s.slug.equals(slug)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
