package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.ca.CaConfig;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.Subject;
import org.civicmail.ca.http.CaHttpServer;
import org.civicmail.testkit.HandSignedMail;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.CrlClient;
import org.civicmail.verdict.revocation.OcspClient;
import org.civicmail.verdict.revocation.OnlineRevocation;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webmail's set-up of the shared verifier against the real city CA over HTTP: its OCSP responder (delegated
 * signer, nonce echoed) and its CRL satisfy the strict revocation clients, and a revoked certificate reads revoked
 * even when the signature carries only the leaf.
 */
class CityCaOcspIT {
    static final String SENDER = "rates-office@gov.hangzhou.example";

    @TempDir
    Path tmp;

    @Test
    void theCityCasOwnOcspAndCrlAnswerTheStrictClients() throws Exception {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(tmp.resolve("city-db").toString());
        derby.setCreateDatabase("create");
        try (CaHttpServer http = CaHttpServer.bind(new InetSocketAddress("127.0.0.1", 0));
             CertificateAuthority ca = CertificateAuthority.open(
                 CaConfig.of(derby, tmp.resolve("city-ca"), http.baseUrl()).withPassphrase(PassphraseSource.of("city-ca-passphrase".toCharArray())),
                 address -> address.equals(SENDER) ? Optional.of(Subject.citizen(SENDER, "Rates Office")) : Optional.empty())) {
            http.serve(ca);
            IssuedCredential issued = ca.issueForAccount(SENDER);
            SigningCredential credential = new SigningCredential(SENDER, issued.privateKey(), issued.fullChain());
            OcspClient ocsp = new OcspClient(Clock.systemUTC());
            CrlClient crl = new CrlClient(Duration.ZERO, Clock.systemUTC());
            SignatureVerifier webmailVerifier = new SignatureVerifier(new Authorities(ca.chain(), List.of()),
                new OnlineRevocation(ocsp, crl), new OnlineRevocation(ocsp, crl));
            byte[] leafOnly = HandSignedMail.message(SENDER, "a@citizen.hangzhou.example", "rates").unprotected()
                .sign(credential, List.of(credential.certificate()), "rates due");

            assertThat(ocsp.status(credential.certificate(), ca.chain().get(0)).state()).isEqualTo(RevocationStatus.State.GOOD);
            assertThat(crl.status(credential.certificate(), ca.chain().get(0)).state()).isEqualTo(RevocationStatus.State.GOOD);
            SignatureVerdict before = webmailVerifier.verify(leafOnly, Instant.now());
            assertThat(before.headerValue()).startsWith("valid; signer=\"" + SENDER + "\"").endsWith("; headers=unprotected");

            ca.revoke(issued.serial(), RevocationReason.keyCompromise);
            RevocationStatus revoked = ocsp.status(credential.certificate(), ca.chain().get(0));
            assertThat(revoked.state()).isEqualTo(RevocationStatus.State.REVOKED);
            assertThat(revoked.reason()).contains("keyCompromise");
            assertThat(crl.status(credential.certificate(), ca.chain().get(0)).state()).isEqualTo(RevocationStatus.State.REVOKED);
            // Attack (issue 11, Why 1): leaf-only signature after the revocation.
            assertThat(webmailVerifier.verify(leafOnly, Instant.now()).headerValue())
                .startsWith("invalid; reason=revoked; signer=\"" + SENDER + "\"")
                .contains("(keyCompromise)");
        }
    }
}
