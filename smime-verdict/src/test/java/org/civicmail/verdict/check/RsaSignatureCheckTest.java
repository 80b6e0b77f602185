package org.civicmail.verdict.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.BouncyCastle;
import org.civicmail.verdict.NssSoftoken;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.verdict.testkit.Pki;
import org.civicmail.verdict.testkit.SignedMail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * RSA signatures are checked once, by NSS's softoken where the machine has it ({@link Pkcs1Verifiers}); these tests
 * try to get a forged or altered RSA-signed message past that check, and hold its answers to BouncyCastle's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RsaSignatureCheckTest {
    private static final String TAX = "tax-bureau@gov.hangzhou.example";
    private static final String CITIZEN = "ma.lan@citizen.hangzhou.example";

    private Pki city;
    private Pki.Entity official;
    private SignatureVerifier verifier;

    @BeforeAll
    void pki() throws Exception {
        city = Pki.create("Hangzhou City CA");
        official = city.person(TAX, new Pki.LeafOptions().rsa(2048));
        verifier = new SignatureVerifier(new Authorities(List.of(city.root.cert(), city.issuing.cert()), List.of()),
            (cert, issuer) -> RevocationStatus.good(), (cert, issuer) -> RevocationStatus.unknown("no foreign CA here"));
    }

    @Test
    void nssIsThereWhereTheJudgesRun() {
        // .ci/run installs libnss3-tools (NSS's certutil/cmsutil are judges), so the fast path must be taken here.
        assertThat(NssSoftoken.PROVIDER).isPresent();
    }

    @Test
    void aGenuineRsaSignedMessageIsValid() throws Exception {
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "水费").signedBy(official).detached(), Instant.now())
            .isValid()).isTrue();
    }

    @Test
    void aForgerSigningWithHisOwnRsaKeyUnderTheGenuineCertificateIsTampered() throws Exception {
        // Attack: the genuine official's certificate attached to a signature made with another RSA key.
        Pki.Entity forger = city.person(TAX, new Pki.LeafOptions().rsa(2048));
        Pki.Entity forgedUnderGenuine = new Pki.Entity(forger.key(), official.cert(), official.cas());
        assertThat(verifier.verify(SignedMail.message(TAX, CITIZEN, "forged").signedBy(forgedUnderGenuine).detached(),
            Instant.now()).reason()).contains(Reason.TAMPERED);
    }

    @Test
    void aMessageAlteredAfterSigningIsTampered() throws Exception {
        // Attack: the amount of a signed bill changed in transit.
        String signed = new String(SignedMail.message(TAX, CITIZEN, "bill")
            .entity("Content-Type: text/plain; charset=US-ASCII\r\n\r\namount due: 12.30\r\n").signedBy(official)
            .detached(), StandardCharsets.ISO_8859_1);
        assertThat(signed).contains("amount due: 12.30");
        byte[] altered = signed.replace("amount due: 12.30", "amount due: 92.30").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifier.verify(altered, Instant.now()).reason()).contains(Reason.TAMPERED);
    }

    @Test
    void nssAndBouncyCastleGiveTheSameAnswerAsBouncyCastlesOwnVerifierForGenuineAndForgedSignatures() throws Exception {
        Pki.Entity forger = city.person(TAX, new Pki.LeafOptions().rsa(2048));
        for (Pki.Entity signer : List.of(official, new Pki.Entity(forger.key(), official.cert(), official.cas()))) {
            SignerInformation info = signerInfo(SignedMail.message(TAX, CITIZEN, "same answer").signedBy(signer));
            boolean bouncyCastles = info.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER)
                .build(official.cert()));
            assertThat(Pkcs1Verifiers.takes(info)).isTrue();
            assertThat(info.verify(Pkcs1Verifiers.verifier(official.cert().getPublicKey(), NssSoftoken.PROVIDER.orElseThrow())))
                .isEqualTo(bouncyCastles);
            assertThat(info.verify(Pkcs1Verifiers.verifier(official.cert().getPublicKey(), BouncyCastle.PROVIDER)))
                .isEqualTo(bouncyCastles);
            assertThat(bouncyCastles).isEqualTo(signer == official);
        }
    }

    @Test
    void anEcdsaSignerInfoIsLeftToBouncyCastlesOwnVerifier() throws Exception {
        Pki.Entity ec = city.person(TAX);
        SignerInformation info = signerInfo(SignedMail.message(TAX, CITIZEN, "ec").signedBy(ec));
        assertThat(Pkcs1Verifiers.takes(info)).isFalse();
    }

    /** The signer info of the message's opaque (application/pkcs7-mime) form: its base64 body decoded. */
    private static SignerInformation signerInfo(SignedMail mail) throws Exception {
        String message = new String(mail.opaque(), StandardCharsets.US_ASCII);
        String marker = "filename=smime.p7m\r\n\r\n";
        CMSSignedData cms = new CMSSignedData(Base64.getMimeDecoder().decode(message.substring(message.indexOf(marker) + marker.length()).trim()));
        return cms.getSignerInfos().getSigners().iterator().next();
    }
}
