package org.civicmail.verdict.revocation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Asks the OCSP responder a certificate names (RFC 6960). A response is used only if it is signed by the issuer
 * itself or by a responder certificate the issuer signed that carries id-kp-OCSPSigning and is valid now; if it
 * echoes the nonce we sent; and if now lies between its thisUpdate and nextUpdate (5 minutes of clock skew
 * allowed). Anything else is {@code unknown}. Thread-safe.
 */
public final class OcspClient implements RevocationSource {
    static final Duration SKEW = Duration.ofMinutes(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public OcspClient(Clock clock) {
        this.clock = clock;
    }

    /** @return true when the certificate names an OCSP responder */
    public static boolean namesResponder(X509Certificate certificate) {
        return !CertificateUrls.ocsp(certificate).isEmpty();
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        return EachUrl.firstAnswer(CertificateUrls.ocsp(certificate), "OCSP", "OCSP responder",
            url -> ask(url, certificate, issuer));
    }

    private RevocationStatus ask(String url, X509Certificate certificate, X509Certificate issuer) throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
        CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), issuerHolder, certificate.getSerialNumber());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        byte[] request = new OCSPReqBuilder().addRequest(id)
            .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new DEROctetString(new DEROctetString(nonce).getEncoded()))))
            .build().getEncoded();
        byte[] body = EachUrl.body(http, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
            .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(request)).build());
        return judge(body, id, nonce, issuer, clock.instant());
    }

    /** Checks a DER OCSPResponse against what was asked; package-private for the tests that forge responses. */
    static RevocationStatus judge(byte[] der, CertificateID id, byte[] nonce, X509Certificate issuer, Instant now) throws Exception {
        OCSPResp resp = new OCSPResp(der);
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
            throw new IOException("responder status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        if (!signedByIssuerOrDelegate(basic, issuer, now)) {
            throw new IOException("response not signed by the issuer or a delegated responder (id-kp-OCSPSigning) it certified");
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed == null || !Arrays.equals(nonceValue(echoed), nonce)) {
            throw new IOException("response does not echo our nonce (replayed or cached answer)");
        }
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().matchesIssuer(new JcaX509CertificateHolder(issuer), digests)
                || !single.getCertID().getSerialNumber().equals(id.getSerialNumber())) {
                continue;
            }
            Instant thisUpdate = single.getThisUpdate().toInstant();
            if (thisUpdate.isAfter(now.plus(SKEW))) {
                throw new IOException("response thisUpdate " + thisUpdate + " is in the future");
            }
            if (single.getNextUpdate() != null && single.getNextUpdate().toInstant().isBefore(now.minus(SKEW))) {
                throw new IOException("response expired at its nextUpdate " + single.getNextUpdate().toInstant());
            }
            Object status = single.getCertStatus();
            if (status == null) {
                return RevocationStatus.good();
            }
            if (status instanceof RevokedStatus r) {
                return RevocationStatus.revoked(r.getRevocationTime().toInstant(),
                    r.hasRevocationReason() ? Reasons.name(r.getRevocationReason()) : null);
            }
            if (status instanceof UnknownStatus) {
                return RevocationStatus.notIssued("the OCSP responder does not know serial " + id.getSerialNumber().toString(16));
            }
        }
        throw new IOException("response does not cover the certificate");
    }

    private static byte[] nonceValue(Extension extension) {
        byte[] value = extension.getExtnValue().getOctets();
        try {
            // RFC 8954: the nonce is an OCTET STRING inside extnValue; older responders put the raw bytes.
            return DEROctetString.getInstance(value).getOctets();
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer, Instant now) throws Exception {
        if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
            return true;
        }
        for (X509CertificateHolder responder : basic.getCerts()) {
            if (responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))
                && responder.getIssuer().equals(new JcaX509CertificateHolder(issuer).getSubject())
                && responder.isValidOn(java.util.Date.from(now))
                && hasOcspSigning(responder)
                && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOcspSigning(X509CertificateHolder responder) {
        org.bouncycastle.asn1.x509.ExtendedKeyUsage eku =
            org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions());
        return eku != null && eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
    }
}
