package org.civicmail.smime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Arrays;
import java.util.Optional;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.civicmail.verdict.NssSoftoken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RSA signatures (SHA256withRSA, PKCS#1 v1.5) computed by NSS's software token ({@link NssSoftoken}: why, and where
 * it comes from) where the machine has it; BouncyCastle's otherwise. A personalised RSA broadcast signs once per copy,
 * so its rate was the C1 compiler's {@code BigInteger} arithmetic (165 signatures per CPU-second; NSS 630).
 *
 * <p>Each key is checked once, before its first use: NSS's signature of a fixed text must equal BouncyCastle's
 * byte for byte (PKCS#1 v1.5 signatures are deterministic), so a message signed here is the very message the
 * BouncyCastle path would have made. A key NSS refuses or signs differently stays with BouncyCastle (one warning).
 */
final class NssRsaSignatures {
    private static final Logger LOG = LoggerFactory.getLogger(NssRsaSignatures.class);
    private static final String ALGORITHM = "SHA256withRSA";
    private static final byte[] CHECK_TEXT = "CivicMail: NSS must sign this as BouncyCastle does".getBytes(StandardCharsets.US_ASCII);
    /** NSS's form of each key, or empty when that key stays with BouncyCastle; held as long as the JDK's key object. */
    private static final Cache<PrivateKey, Optional<PrivateKey>> KEYS = CacheBuilder.newBuilder().weakKeys().build();
    private static final Optional<Provider> NSS = NssSoftoken.PROVIDER;

    /** True when NSS's token was found and started in this process. */
    static boolean available() {
        return NSS.isPresent();
    }

    /**
     * A content signer for {@code key} (an RSA key) in NSS, or empty when NSS is not available or this key did not
     * pass its check: the caller then signs with BouncyCastle.
     */
    static Optional<ContentSigner> signer(PrivateKey key) {
        if (NSS.isEmpty()) {
            return Optional.empty();
        }
        Optional<PrivateKey> nssKey = KEYS.asMap().computeIfAbsent(key, NssRsaSignatures::checkedNssForm);
        if (nssKey.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new JcaContentSignerBuilder(ALGORITHM).setProvider(NSS.get()).build(nssKey.get()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("NSS refused a key it accepted before: " + e.getMessage(), e);
        }
    }

    private static Optional<PrivateKey> checkedNssForm(PrivateKey key) {
        try {
            PrivateKey nssKey = (PrivateKey) KeyFactory.getInstance("RSA", NSS.get()).translateKey(key);
            byte[] byNss = sign(nssKey, NSS.get());
            byte[] byBouncyCastle = sign(BouncyCastleProviderHolder.ownForm(key), BouncyCastleProviderHolder.PROVIDER);
            if (Arrays.equals(byNss, byBouncyCastle)) {
                return Optional.of(nssKey);
            }
            LOG.warn("NSS's RSA signature differs from BouncyCastle's for a signing key; that key is used through BouncyCastle");
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warn("NSS cannot sign with an RSA signing key ({}); that key is used through BouncyCastle", e.getMessage());
        }
        return Optional.empty();
    }

    private static byte[] sign(PrivateKey key, Provider provider) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM, provider);
        signature.initSign(key);
        signature.update(CHECK_TEXT);
        return signature.sign();
    }

    private NssRsaSignatures() {
    }
}
