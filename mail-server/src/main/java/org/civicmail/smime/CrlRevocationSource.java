package org.civicmail.smime;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.RevocationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation of certificates from other CAs, through the CRL their certificate names (http:// distribution
 * points). A CRL is used only if its issuer's signature verifies, and is kept until its nextUpdate but no longer
 * than the configured maximum age, so a revocation shows within that time. An unreachable or bad CRL gives
 * UNKNOWN: the verdict then says the revocation was not checked.
 */
public final class CrlRevocationSource {
    private static final Logger LOG = LoggerFactory.getLogger(CrlRevocationSource.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private record Cached(X509CRL crl, Instant until) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Duration maxAge;

    public CrlRevocationSource(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public CertificateStatus status(X509Certificate certificate, X509Certificate issuer) {
        for (String url : crlUrls(certificate)) {
            Optional<X509CRL> crl = crl(url, issuer);
            if (crl.isPresent()) {
                X509CRLEntry entry = crl.get().getRevokedCertificate(certificate);
                if (entry == null) {
                    return CertificateStatus.good();
                }
                return CertificateStatus.revoked(entry.getRevocationDate().toInstant(), reasonOf(entry));
            }
        }
        return CertificateStatus.unknown();
    }

    private Optional<X509CRL> crl(String url, X509Certificate issuer) {
        Cached cached = cache.get(url);
        if (cached != null && Instant.now().isBefore(cached.until())) {
            return Optional.of(cached.crl());
        }
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                LOG.warn("CRL {} answered HTTP {}", url, response.statusCode());
                return Optional.empty();
            }
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(response.body()));
            crl.verify(issuer.getPublicKey());
            Instant until = Instant.now().plus(maxAge);
            if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(until)) {
                until = crl.getNextUpdate().toInstant();
            }
            cache.put(url, new Cached(crl, until));
            return Optional.of(crl);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.warn("CRL {} unusable: {}", url, e.toString());
            return Optional.empty();
        }
    }

    private static RevocationReason reasonOf(X509CRLEntry entry) {
        CRLReason reason = entry.getRevocationReason();
        if (reason == null) {
            return RevocationReason.unspecified;
        }
        try {
            // java.security.cert.CRLReason is declared in RFC 5280 code order.
            return RevocationReason.ofCode(reason.ordinal());
        } catch (RuntimeException e) {
            return RevocationReason.unspecified;
        }
    }

    static List<String> crlUrls(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (extension == null) {
            return List.of();
        }
        CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        java.util.ArrayList<String> urls = new java.util.ArrayList<>();
        for (DistributionPoint point : points.getDistributionPoints()) {
            DistributionPointName name = point.getDistributionPoint();
            if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
                    String value = general.getName().toString();
                    if (general.getTagNo() == GeneralName.uniformResourceIdentifier && value.startsWith("http://")) {
                        urls.add(value);
                    }
                }
            }
        }
        return urls;
    }

}
