package org.civicmail.ca.authority;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.civicmail.ca.IssuerSlot;
import org.civicmail.ca.crl.CrlPublisher;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.ocsp.OcspResponder;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;

/** One issuing CA at work: its key, its delegated OCSP signer (renewed while running) and its CRL. Thread-safe. */
public final class IssuingCa {
    private final IssuerSlot slot;
    private final KeyFileSigner signer;
    private final CrlPublisher crl;
    private volatile KeyFileSigner ocspSigner;

    public IssuingCa(IssuerSlot slot, KeyFileSigner signer, KeyFileSigner ocspSigner, CertificateStore store, Clock clock) {
        this.slot = slot;
        this.signer = signer;
        this.ocspSigner = ocspSigner;
        this.crl = new CrlPublisher(store, slot.slug(), () -> signer, clock);
    }

    public IssuerSlot slot() {
        return slot;
    }

    public KeyFileSigner signer() {
        return signer;
    }

    public X509Certificate certificate() {
        return signer.certificate();
    }

    /** This CA's certificate, then the root's. */
    public List<X509Certificate> chain() {
        return signer.chain();
    }

    public CrlPublisher crl() {
        return crl;
    }

    public KeyFileSigner ocspSigner() {
        return ocspSigner;
    }

    public void replaceOcspSigner(KeyFileSigner renewed) {
        this.ocspSigner = renewed;
    }

    public OcspResponder.Issuer forOcsp() {
        return new OcspResponder.Issuer(certificate(), () -> ocspSigner);
    }

    /**
     * True if this CA signed {@code certificate}: same issuer name and, when the certificate names one, an
     * authority key identifier equal to this CA's subject key identifier (our certificates always carry one).
     */
    public boolean issued(X509Certificate certificate) {
        if (!certificate.getIssuerX500Principal().equals(certificate().getSubjectX500Principal())) {
            return false;
        }
        byte[] ext = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        if (ext == null) {
            return false;
        }
        byte[] aki = AuthorityKeyIdentifier.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets())
                .getKeyIdentifier();
        return aki != null && Arrays.equals(aki, ProfileFactory.subjectKeyId(certificate()));
    }
}
