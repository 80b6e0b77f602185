package org.civicmail.verdict.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.BouncyCastle;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.verdict.testkit.Pki;
import org.civicmail.verdict.testkit.SignedMail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The signature step keeps one BouncyCastle key object per signer key (issue 14); these tests try to make a kept key
 * verify what its own key did not sign, or outlive its certificate's revocation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignerKeysTest {
    private static final String TAX = "tax-bureau@gov.hangzhou.example";
    private static final String CITIZEN = "ma.lan@citizen.hangzhou.example";

    private Pki city;
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    private SignatureVerifier verifier;

    @BeforeAll
    void pki() throws Exception {
        city = Pki.create("Hangzhou City CA");
        verifier = new SignatureVerifier(new Authorities(List.of(city.root.cert(), city.issuing.cert()), List.of()),
            (cert, issuer) -> revoked.contains(cert.getSerialNumber())
                ? RevocationStatus.revoked(Instant.now(), "keyCompromise") : RevocationStatus.good(),
            (cert, issuer) -> RevocationStatus.unknown("no foreign CA here"));
    }

    @Test
    void aForgerSigningWithHisOwnKeyUnderAGenuineCachedCertificateIsTampered() throws Exception {
        // Attack: the genuine official's certificate (and so its key, now kept by the verifier) is attached to a
        // signature made with the forger's key; only the certified key may be used, and it does not verify.
        Pki.Entity official = city.person(TAX);
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "genuine").signedBy(official).detached(), Instant.now())
            .isValid()).isTrue();
        Pki.Entity forger = city.person(TAX);
        Pki.Entity forgedUnderGenuine = new Pki.Entity(forger.key(), official.cert(), official.cas());
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "forged").signedBy(forgedUnderGenuine).detached(),
            Instant.now()).reason()).contains(Reason.TAMPERED);
        // And the genuine signer still verifies afterwards: the forger's attempt put nothing in its place.
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "genuine again").signedBy(official).detached(), Instant.now())
            .isValid()).isTrue();
    }

    @Test
    void aSignerRevokedAfterItsKeyWasKeptIsRevokedOnTheNextMessage() throws Exception {
        // Attack: a compromised official's key keeps verifying because the verifier kept the key object.
        Pki.Entity official = city.person(TAX);
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "before").signedBy(official).detached(), Instant.now())
            .isValid()).isTrue();
        revoked.add(official.cert().getSerialNumber());
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "after").signedBy(official).detached(), Instant.now())
            .reason()).contains(Reason.REVOKED);
    }

    @Test
    void oneBouncyCastleKeyPerDistinctEncodingAndBounded() throws Exception {
        SignerKeys keys = new SignerKeys();
        PublicKey a = ecKey();
        PublicKey b = ecKey();
        PublicKey keptA = keys.of(a);
        assertThat(keptA.getEncoded()).isEqualTo(a.getEncoded());
        assertThat(keptA.getClass().getName()).startsWith("org.bouncycastle.");
        // The JDK's key object of the same encoding (as a certificate parsed again yields) gets the kept object.
        PublicKey sameAgain = java.security.KeyFactory.getInstance("EC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(a.getEncoded()));
        assertThat(keys.of(sameAgain)).isSameAs(keptA);
        assertThat(keys.of(b)).isNotSameAs(keptA);
        assertThat(keys.of(b).getEncoded()).isEqualTo(b.getEncoded());
        assertThat(keys.size()).isEqualTo(2);
        for (int i = 0; i < SignerKeys.MAX_ENTRIES; i++) {
            keys.of(ecKey());
        }
        assertThat(keys.size()).isLessThanOrEqualTo(SignerKeys.MAX_ENTRIES);
    }

    private static PublicKey ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }
}
