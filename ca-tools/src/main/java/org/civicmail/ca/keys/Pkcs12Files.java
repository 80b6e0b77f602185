package org.civicmail.ca.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.MacCalculator;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.civicmail.ca.CaException;

/**
 * Reads and writes password-protected PKCS#12 files. The key is encrypted with PBES2
 * (PBKDF2-HMAC-SHA-256 at {@value #ITERATIONS} iterations, AES-256-CBC) and the file MAC is
 * HMAC-SHA-256 with the same iteration count, so neither is a cheap oracle for the password (the
 * JDK's own writer uses 10,000 for both and cannot set the MAC count per file). Certificates are
 * public and stored unencrypted. Files of any older format still open (the JDK reads them);
 * {@link #weakestIterationCount} tells a caller that one should be written again. Messages never
 * include the password.
 */
public final class Pkcs12Files {
    /** PBKDF2 iterations for key encryption and the MAC (OWASP 2023 for PBKDF2-HMAC-SHA256). */
    public static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PBES2 = "PBEWithHmacSHA256AndAES_256";
    private static final String PKCS12_MAC = "HmacPBESHA256";

    private Pkcs12Files() {
    }

    public static void write(String alias, PrivateKey key, List<X509Certificate> chain, char[] password, OutputStream out) {
        try {
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            DERBMPString name = new DERBMPString(alias);
            // The JDK pairs a key with its certificate by localKeyId and names the entry by friendlyName.
            SubjectKeyIdentifier localKeyId = ids.createSubjectKeyIdentifier(chain.get(0).getPublicKey());
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            for (int i = 0; i < chain.size(); i++) {
                PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(chain.get(i));
                if (i == 0) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
                }
                pfx.addData(bag.build());
            }
            PKCS12SafeBagBuilder keyBag = new PKCS12SafeBagBuilder(PrivateKeyInfo.getInstance(key.getEncoded()), encryptor(password));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
            pfx.addData(keyBag.build());
            PKCS12PfxPdu pdu = pfx.build(new JdkMac(), password);
            out.write(pdu.getEncoded(ASN1Encoding.DER));
        } catch (GeneralSecurityException | IOException | PKCSException e) {
            throw new CaException("cannot write PKCS#12 for '" + alias + "': " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * PBES2 with the JDK's PBKDF2 (several times faster than a pure-Java one, which matters at
     * 600,000 iterations): PBKDF2-HMAC-SHA-256, AES-256-CBC, random salt and IV.
     */
    private static OutputEncryptor encryptor(char[] password) throws GeneralSecurityException, IOException {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(PBES2);
        cipher.init(Cipher.ENCRYPT_MODE, pbeKey(PBES2, password), new PBEParameterSpec(salt, ITERATIONS, new IvParameterSpec(iv)));
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                ASN1Primitive.fromByteArray(cipher.getParameters().getEncoded()));
        return new OutputEncryptor() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public OutputStream getOutputStream(OutputStream out) {
                return new CipherOutputStream(out, cipher);
            }

            @Override
            public GenericKey getKey() {
                return new GenericKey(algorithm, new byte[0]);
            }
        };
    }

    private static SecretKey pbeKey(String algorithm, char[] password) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(password);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec);
        } finally {
            spec.clearPassword();
        }
    }

    /** The PKCS#12 MAC (RFC 7292 appendix B key derivation, HMAC-SHA-256) computed by the JDK. */
    private static final class JdkMac implements PKCS12MacCalculatorBuilder {
        private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);

        @Override
        public AlgorithmIdentifier getDigestAlgorithmIdentifier() {
            return SHA256;
        }

        @Override
        public MacCalculator build(char[] password) throws OperatorCreationException {
            byte[] salt = new byte[32];
            RANDOM.nextBytes(salt);
            Mac mac;
            try {
                mac = Mac.getInstance(PKCS12_MAC);
                mac.init(pbeKey("PBE", password), new PBEParameterSpec(salt, ITERATIONS));
            } catch (GeneralSecurityException e) {
                throw new OperatorCreationException("cannot create the PKCS#12 MAC: " + e.getMessage(), e);
            }
            AlgorithmIdentifier id = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, new PKCS12PBEParams(salt, ITERATIONS));
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            return new MacCalculator() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return id;
                }

                @Override
                public OutputStream getOutputStream() {
                    return data;
                }

                @Override
                public byte[] getMac() {
                    return mac.doFinal(data.toByteArray());
                }

                @Override
                public GenericKey getKey() {
                    return new GenericKey(id, new byte[0]);
                }
            };
        }
    }

    /**
     * The lowest iteration count protecting {@code file} (its MAC and every PBES2-encrypted bag),
     * read without the password; {@code 0} for a file this class cannot parse. A file below
     * {@link #ITERATIONS} was written by an older version and should be written again.
     */
    public static int weakestIterationCount(Path file) {
        try {
            Pfx pfx = Pfx.getInstance(Files.readAllBytes(file));
            int weakest = pfx.getMacData() == null ? 0 : pfx.getMacData().getIterationCount().intValueExact();
            ContentInfo[] infos = AuthenticatedSafe.getInstance(
                    ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets()).getContentInfo();
            for (ContentInfo info : infos) {
                if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
                    weakest = Math.min(weakest, pbes2Iterations(EncryptedData.getInstance(info.getContent())
                            .getEncryptionAlgorithm()));
                    continue;
                }
                ASN1Sequence bags = ASN1Sequence.getInstance(ASN1OctetString.getInstance(info.getContent()).getOctets());
                for (int i = 0; i < bags.size(); i++) {
                    SafeBag bag = SafeBag.getInstance(bags.getObjectAt(i));
                    if (bag.getBagId().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
                        weakest = Math.min(weakest, pbes2Iterations(
                                EncryptedPrivateKeyInfo.getInstance(bag.getBagValue()).getEncryptionAlgorithm()));
                    }
                }
            }
            return weakest;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int pbes2Iterations(AlgorithmIdentifier algorithm) {
        if (!algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) {
            return 0; // PKCS#12 PBE (3DES/RC2): an old format
        }
        PBES2Parameters p = PBES2Parameters.getInstance(algorithm.getParameters());
        if (!p.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
            return 0;
        }
        return PBKDF2Params.getInstance(p.getKeyDerivationFunc().getParameters()).getIterationCount().intValueExact();
    }

    /** Creates a new file with mode 600 where POSIX permissions exist; fails if it exists. */
    public static OutputStream createPrivateFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new CaException(file + " already exists; remove it or choose another file name");
        }
        return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A key and its chain read back from a PKCS#12 file. */
    public record Entry(PrivateKey key, List<X509Certificate> chain) {
        @Override
        public String toString() {
            return "Pkcs12Files.Entry[" + chain.get(0).getSubjectX500Principal() + ", key hidden]";
        }
    }

    public static Entry read(Path file, String alias, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            Key key = ks.getKey(alias, password);
            if (!(key instanceof PrivateKey)) {
                throw new CaException("keystore " + file + " has no private key under alias '" + alias
                        + "'; run `civicmail ca init` first");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ks.getCertificateChain(alias)) {
                chain.add((X509Certificate) c);
            }
            return new Entry((PrivateKey) key, chain);
        } catch (UnrecoverableKeyException e) {
            throw wrongPassphrase(file);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw wrongPassphrase(file);
            }
            throw new CaException("cannot read keystore " + file + ": " + e.getClass().getSimpleName()
                    + "; run `civicmail ca init` if the CA was never initialised", e);
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot read keystore " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static CaException wrongPassphrase(Path file) {
        return new CaException("cannot decrypt keystore " + file + ": the passphrase from CIVICMAIL_CA_PASSPHRASE"
                + " (or CIVICMAIL_CA_PASSPHRASE_FILE) is not the one it was created with");
    }
}
