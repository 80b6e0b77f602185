package org.civicmail.ca.ocsp;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.civicmail.ca.CaException;
import org.civicmail.ca.keys.Signer;

/**
 * RFC 6960 responder for our issuing CAs, each answered by its own delegated OCSP signer: the response is
 * signed by the signer of the issuer the first request names. Answers {@code good} only for serials the CA
 * issued and has not revoked; a serial it never issued, or a further request naming another issuer (also one of
 * ours other than the first request's), gets {@code unknown}. A request whose first CertID names an issuer we do
 * not answer for (the root, for an issuing CA's own certificate; a foreign CA) gets the unsigned error
 * {@code unauthorized} (RFC 5019 §2.2.3, RFC 6960 §2.3): no signer of ours is authorised to speak for that issuer,
 * so a signed {@code unknown} would be a response the client must reject. Echoes the nonce. Thread-safe.
 */
public final class OcspResponder {
    /**
     * nextUpdate - thisUpdate of every response: S/MIME BR §4.9.10 requires at least 8 hours and at most 10
     * days. Twelve hours keeps a revocation visible to caching clients within half a day.
     */
    public static final Duration NEXT_UPDATE = Duration.ofHours(12);

    /** One issuing CA and the delegated signer that speaks for it. */
    public record Issuer(X509Certificate certificate, Supplier<Signer> signer) {
    }

    private record Known(X509CertificateHolder certificate, Supplier<Signer> signer) {
    }

    private final List<Known> issuers;
    private final Function<java.math.BigInteger, org.civicmail.ca.CertificateStatus> lookup;
    private final Clock clock;
    private final DigestCalculatorProvider digests;

    public OcspResponder(List<Issuer> issuers, Function<java.math.BigInteger, org.civicmail.ca.CertificateStatus> lookup, Clock clock) {
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("an OCSP responder needs at least one issuing CA");
        }
        this.lookup = lookup;
        this.clock = clock;
        try {
            List<Known> known = new ArrayList<>();
            for (Issuer i : issuers) {
                known.add(new Known(new JcaX509CertificateHolder(i.certificate()), i.signer()));
            }
            this.issuers = List.copyOf(known);
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (CertificateEncodingException | OperatorCreationException e) {
            throw new CaException("cannot set up the OCSP responder: " + e.getMessage(), e);
        }
    }

    /** Answers a DER OCSPRequest with a DER OCSPResponse (malformedRequest if it cannot be parsed). */
    public byte[] respond(byte[] request) {
        OCSPReq req;
        try {
            req = new OCSPReq(request);
            if (req.getRequestList().length == 0) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
        } catch (IOException | RuntimeException e) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        try {
            Optional<Known> named = issuerOf(req.getRequestList()[0].getCertID());
            if (named.isEmpty()) {
                return status(OCSPRespBuilder.UNAUTHORIZED);
            }
            Known issuer = named.get();
            Signer s = issuer.signer().get();
            X509CertificateHolder signerCert = new JcaX509CertificateHolder(s.certificate());
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(signerCert.getSubjectPublicKeyInfo(),
                    digests.get(CertificateID.HASH_SHA1));
            Instant now = clock.instant();
            Date thisUpdate = Date.from(now);
            Date nextUpdate = Date.from(now.plus(NEXT_UPDATE));
            for (Req r : req.getRequestList()) {
                CertificateID id = r.getCertID();
                b.addResponse(id, statusOf(id, issuer), thisUpdate, nextUpdate, null);
            }
            Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                b.setResponseExtensions(new Extensions(nonce));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                    b.build(s.contentSigner(), new X509CertificateHolder[] {signerCert}, thisUpdate)).getEncoded();
        } catch (OCSPException | IOException | CertificateEncodingException | OperatorCreationException | RuntimeException e) {
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    /** The issuing CA of ours {@code id} names, if any. */
    private Optional<Known> issuerOf(CertificateID id) throws OCSPException {
        for (Known k : issuers) {
            if (id.matchesIssuer(k.certificate(), digests)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private CertificateStatus statusOf(CertificateID id, Known issuer) throws OCSPException {
        if (!id.matchesIssuer(issuer.certificate(), digests)) {
            return new UnknownStatus();
        }
        org.civicmail.ca.CertificateStatus s = lookup.apply(id.getSerialNumber());
        return switch (s.state()) {
            case GOOD -> CertificateStatus.GOOD;
            case REVOKED -> new RevokedStatus(Date.from(s.revokedAt().orElseThrow()), s.reason().orElseThrow().code());
            case UNKNOWN -> new UnknownStatus();
        };
    }

    private static byte[] status(int code) {
        try {
            return new OCSPRespBuilder().build(code, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new CaException("cannot encode an OCSP error response: " + e.getMessage(), e);
        }
    }

}
