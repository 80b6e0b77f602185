package org.civicmail.ca;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * One certificate as the store keeps it.
 *
 * @param account the account address for S/MIME certificates, null for CA, TLS and OCSP signer certificates
 * @param profile the certificate profile name, e.g. CITIZEN_MAILBOX, LEGAL_ENTITY, TLS_SERVER
 */
public record CertificateRecord(BigInteger serial, String issuer, String subject, String san, String profile,
                                String account, Instant notBefore, Instant notAfter, CertificateStatus status,
                                X509Certificate certificate) {

    public String serialHex() {
        return SerialNumbers.toHex(serial);
    }
}
