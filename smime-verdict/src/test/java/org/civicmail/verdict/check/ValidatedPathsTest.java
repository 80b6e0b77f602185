package org.civicmail.verdict.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.verdict.testkit.Pki;
import org.civicmail.verdict.testkit.SignedMail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chain step keeps what it found per certificate (issue 14); these tests try to make that kept finding stand in
 * for a check that must run for every message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidatedPathsTest {
    private static final String TAX = "tax-bureau@gov.hangzhou.example";
    private static final String CITIZEN = "ma.lan@citizen.hangzhou.example";

    private Pki city;
    private Pki impostor;
    private Pki.Entity tax;
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    private SignatureVerifier verifier;

    @BeforeAll
    void pki() throws Exception {
        city = Pki.create("Hangzhou City CA");
        impostor = Pki.create("Hangzhou City CA");
        tax = city.person(TAX);
        verifier = new SignatureVerifier(new Authorities(List.of(city.root.cert(), city.issuing.cert()), List.of()),
            (cert, issuer) -> revoked.contains(cert.getSerialNumber())
                ? RevocationStatus.revoked(Instant.now(), "keyCompromise") : RevocationStatus.good(),
            (cert, issuer) -> RevocationStatus.unknown("no foreign CA here"));
    }

    @Test
    void aSignerRevokedAfterItsPathWasCachedIsRevokedOnTheVeryNextMessage() throws Exception {
        // Attack: a compromised official's key keeps working because the server remembers the certificate as good.
        Pki.Entity signer = city.person(TAX);
        byte[] before = SignedMail.message(TAX, CITIZEN, "before").signedBy(signer).detached();
        assertThat(verifier.verify(before, Instant.now()).isValid()).isTrue();
        revoked.add(signer.cert().getSerialNumber());
        SignatureVerdict next = verifier.verify(SignedMail.message(TAX, CITIZEN, "after").signedBy(signer).detached(), Instant.now());
        assertThat(next.reason()).contains(Reason.REVOKED);
        // The very bytes that were valid a moment ago are revoked now: nothing of the first verdict is reused.
        assertThat(verifier.verify(before, Instant.now()).reason()).contains(Reason.REVOKED);
    }

    @Test
    void aCachedCertificateIsExpiredForAMessageArrivingAfterItsEnd() throws Exception {
        // Attack: mail signed with a certificate that has since expired is accepted because its path was cached.
        Instant end = Instant.now().plus(Duration.ofDays(1));
        Pki.Entity shortLived = city.person(TAX, new Pki.LeafOptions().valid(Instant.now().minus(Duration.ofDays(1)), end));
        byte[] raw = SignedMail.message(TAX, CITIZEN, "short-lived").signedBy(shortLived).detached();
        assertThat(verifier.verify(raw, Instant.now()).isValid()).isTrue();
        assertThat(verifier.verify(raw, end.plus(Duration.ofMinutes(1))).reason()).contains(Reason.EXPIRED);
    }

    @Test
    void anImpostorWithTheCityCasNamesIsNotTakenForTheCachedGenuineSigner() throws Exception {
        // Attack: a CA copying the city CA's names issues a certificate with the same subject; the cache must key on
        // the certificate itself, not on its names.
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "genuine").signedBy(tax).detached(), Instant.now()).isValid())
            .isTrue();
        Pki.Entity forger = impostor.person(TAX);
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "forged").signedBy(forger).detached(), Instant.now()).reason())
            .contains(Reason.UNKNOWN_CA);
        // The forger attaches the genuine city CA certificates: still not the city's.
        SignatureVerdict forgedChain = verifier.verify(SignedMail.message(TAX, CITIZEN, "forged chain").signedBy(forger)
            .certificates(List.of(forger.cert(), city.issuing.cert(), city.root.cert())).detached(), Instant.now());
        assertThat(forgedChain.reason()).contains(Reason.UNKNOWN_CA);
    }

    @Test
    void theNextMessageOfASignerReusesTheJudgedPathAndGetsTheSameAnchor() throws Exception {
        ChainStep chain = new ChainStep(new Authorities(List.of(city.root.cert(), city.issuing.cert()), List.of()));
        Evidence first = chained(chain, SignedMail.message(TAX, CITIZEN, "one").signedBy(tax).detached());
        Evidence leafOnly = chained(chain, SignedMail.message(TAX, CITIZEN, "two").signedBy(tax).certificates(List.of(tax.cert())).detached());
        Evidence other = chained(chain, SignedMail.message(TAX, CITIZEN, "three").signedBy(city.person(TAX)).detached());
        // Another attached set is another entry, another certificate too.
        assertThat(chain.cachedPaths()).isEqualTo(3);
        Evidence again = chained(chain, SignedMail.message(TAX, CITIZEN, "four").signedBy(tax).detached());
        assertThat(chain.cachedPaths()).isEqualTo(3);
        assertThat(again.path).containsExactlyElementsOf(first.path);
        assertThat(again.path.get(0)).isSameAs(again.leaf);
        assertThat(again.anchor.getTrustedCert()).isEqualTo(city.root.cert());
        assertThat(leafOnly.cityIssuer).contains(city.issuing.cert());
        assertThat(other.path.get(1)).isEqualTo(city.issuing.cert());
    }

    private static Evidence chained(ChainStep chain, byte[] raw) {
        Evidence e = new Evidence(raw, Instant.now());
        assertThat(new StructureStep().check(e)).isEmpty();
        assertThat(chain.check(e)).isEmpty();
        return e;
    }
}
