package org.civicmail.webmail.signature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Asks the OCSP responder named in the certificate's AIA extension; if there is none or it does not answer,
 * downloads the CRL named in the CRL distribution points. OCSP responses must be signed by the issuer or by a
 * responder certificate the issuer signed; CRLs must be signed by the issuer. Thread-safe.
 */
public final class OnlineRevocationChecker implements RevocationChecker {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public Status check(X509Certificate cert, X509Certificate issuer) {
        List<String> problems = new ArrayList<>();
        for (String url : urls(cert, Extension.authorityInfoAccess)) {
            try {
                return ocsp(url, cert, issuer);
            } catch (Exception e) {
                problems.add("OCSP " + url + ": " + e.getMessage());
            }
        }
        for (String url : urls(cert, Extension.cRLDistributionPoints)) {
            try {
                return crl(url, cert, issuer);
            } catch (Exception e) {
                problems.add("CRL " + url + ": " + e.getMessage());
            }
        }
        return Status.unknown(problems.isEmpty() ? "certificate names no OCSP or CRL address" : String.join("; ", problems));
    }

    private Status ocsp(String url, X509Certificate cert, X509Certificate issuer) throws Exception {
        var digests = new JcaDigestCalculatorProviderBuilder().build();
        CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        OCSPResp resp = new OCSPResp(response.body());
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
            throw new IOException("responder status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        if (!responderTrusted(basic, issuer)) {
            throw new IOException("response not signed by the issuer or its delegated responder");
        }
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().matchesIssuer(new JcaX509CertificateHolder(issuer), digests)
                    || !single.getCertID().getSerialNumber().equals(cert.getSerialNumber())) {
                continue;
            }
            Object status = single.getCertStatus();
            if (status == null) {
                return Status.good();
            }
            if (status instanceof RevokedStatus r) {
                return Status.revoked(r.getRevocationTime().toInstant());
            }
            throw new IOException("responder does not know the certificate");
        }
        throw new IOException("response does not cover the certificate");
    }

    private static boolean responderTrusted(BasicOCSPResp basic, X509Certificate issuer) throws Exception {
        var issuerVerifier = new JcaContentVerifierProviderBuilder().build(issuer);
        if (basic.isSignatureValid(issuerVerifier)) {
            return true;
        }
        for (X509CertificateHolder responder : basic.getCerts()) {
            if (responder.isSignatureValid(issuerVerifier)
                    && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))) {
                return true;
            }
        }
        return false;
    }

    private Status crl(String url, X509Certificate cert, X509Certificate issuer) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(response.body()));
        crl.verify(issuer.getPublicKey());
        X509CRLEntry entry = crl.getRevokedCertificate(cert.getSerialNumber());
        return entry == null ? Status.good() : Status.revoked(entry.getRevocationDate().toInstant());
    }

    static List<String> urls(X509Certificate cert, org.bouncycastle.asn1.ASN1ObjectIdentifier ext) {
        List<String> out = new ArrayList<>();
        try {
            X509CertificateHolder h = new JcaX509CertificateHolder(cert);
            Extension e = h.getExtension(ext);
            if (e == null) {
                return out;
            }
            if (ext.equals(Extension.authorityInfoAccess)) {
                for (AccessDescription ad : AuthorityInformationAccess.getInstance(e.getParsedValue()).getAccessDescriptions()) {
                    if (ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                        addUri(ad.getAccessLocation(), out);
                    }
                }
            } else {
                for (DistributionPoint dp : CRLDistPoint.getInstance(e.getParsedValue()).getDistributionPoints()) {
                    DistributionPointName n = dp.getDistributionPoint();
                    if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                        for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
                            addUri(g, out);
                        }
                    }
                }
            }
        } catch (Exception ex) {
            // an unreadable extension means no address; the caller reports "unknown"
        }
        return out;
    }

    private static void addUri(GeneralName g, List<String> out) {
        if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
            String u = ASN1IA5String.getInstance(g.getName()).getString();
            if (u.startsWith("http://") || u.startsWith("https://")) {
                out.add(u);
            }
        }
    }
}
