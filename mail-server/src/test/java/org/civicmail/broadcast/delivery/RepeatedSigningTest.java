package org.civicmail.broadcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;

import org.civicmail.smime.SigningCredential;
import org.civicmail.smime.TestSigningPki;
import org.civicmail.verdict.BouncyCastle;
import org.junit.jupiter.api.Test;

/**
 * The key prepared for repeated signing is the same key in BouncyCastle's class: signatures made with it through
 * BouncyCastle verify with the certificate's public key in the JDK's own implementation (an independent verifier),
 * and the credential is otherwise unchanged.
 */
class RepeatedSigningTest {
    /** The DER of secp256r1's object identifier, 1.2.840.10045.3.1.7: the curve is named, not spelt out. */
    private static final byte[] SECP256R1 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
    private static final byte[] DATA = "水费账单 2026-11".getBytes(StandardCharsets.UTF_8);

    @Test
    void anEcKeyBecomesBouncyCastlesObjectForTheSameKey() throws Exception {
        SigningCredential read = TestSigningPki.create("water@gov.hangzhou.example", Instant.now()).credential;
        SigningCredential prepared = RepeatedSigning.prepare(read);

        assertThat(prepared.privateKey().getClass().getName()).startsWith("org.bouncycastle.");
        // The same private value on the same named curve (BouncyCastle's PKCS#8 form also repeats the curve's name).
        assertThat(((ECPrivateKey) prepared.privateKey()).getS()).isEqualTo(((ECPrivateKey) read.privateKey()).getS());
        assertThat(prepared.privateKey().getEncoded()).containsSequence(SECP256R1);
        assertThat(prepared.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(prepared.chain()).isEqualTo(read.chain());
        assertThat(prepared.address()).isEqualTo(read.address());
        for (int i = 0; i < 3; i++) {
            assertThat(verifiesInTheJdk("SHA256withECDSA", sign("SHA256withECDSA", prepared), read.certificate().getPublicKey())).isTrue();
        }
    }

    @Test
    void anRsaKeyIsConvertedTheSameWay() throws Exception {
        SigningCredential ec = TestSigningPki.create("bank@gov.hangzhou.example", Instant.now()).credential;
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        SigningCredential read = new SigningCredential(ec.address(), pair.getPrivate(), ec.chain());
        SigningCredential prepared = RepeatedSigning.prepare(read);

        assertThat(prepared.privateKey().getClass().getName()).startsWith("org.bouncycastle.");
        assertThat(prepared.privateKey().getEncoded()).isEqualTo(read.privateKey().getEncoded());
        assertThat(verifiesInTheJdk("SHA256withRSA", sign("SHA256withRSA", prepared), pair.getPublic())).isTrue();
    }

    private static byte[] sign(String algorithm, SigningCredential credential) throws Exception {
        Signature s = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
        s.initSign(credential.privateKey());
        s.update(DATA);
        return s.sign();
    }

    private static boolean verifiesInTheJdk(String algorithm, byte[] signature, PublicKey key) throws Exception {
        Signature v = Signature.getInstance(algorithm);
        assertThat(v.getProvider().getName()).doesNotContain("BC");
        v.initVerify(key);
        v.update(DATA);
        return v.verify(signature);
    }
}
