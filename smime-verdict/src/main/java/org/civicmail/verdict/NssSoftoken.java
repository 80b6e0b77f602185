package org.civicmail.verdict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NSS's software token (Debian's {@code libnss3}, the library Thunderbird signs and verifies with) as a JCA provider,
 * through the JDK's PKCS#11 provider, started once for the JVM where the machine has it. The server computes RSA
 * signature values with it (signing in {@code smime.NssRsaSignatures}, checking in {@code check.SignatureStep}); every
 * other step, and everything when NSS is missing, stays with {@link BouncyCastle}.
 *
 * <p>Why: an RSA-2048 signature or its check is {@code BigInteger} arithmetic, and the launcher runs the server with
 * the C1 compiler only (its memory budget; see the launcher), whose code for that arithmetic is about 8x slower than
 * C2's. On this 2-core machine, one thread, 2048-bit signatures per CPU-second: 165 in Java under C1, 1,400 under C2,
 * 630 in NSS's C code whatever the JIT.
 *
 * <p>No NSS database is opened or written ({@code nssDbMode = noDb}): keys handed to it exist only as session objects
 * in this process's memory, and are destroyed when their Java objects are collected.
 */
public final class NssSoftoken {
    private static final Logger LOG = LoggerFactory.getLogger(NssSoftoken.class);
    /** Where Debian's (and other distributions') NSS softoken lives; the first directory that holds it is used. */
    private static final List<String> LIBRARY_DIRECTORIES = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/usr/lib64", "/usr/lib");

    /** The started provider, or empty when this machine or JDK has no NSS softoken or it did not start. */
    public static final Optional<Provider> PROVIDER = start();

    private static Optional<Provider> start() {
        String library = System.mapLibraryName("softokn3");
        Optional<Path> directory = LIBRARY_DIRECTORIES.stream().map(Path::of)
            .filter(d -> Files.isRegularFile(d.resolve(library))).findFirst();
        Provider pkcs11 = Security.getProvider("SunPKCS11");
        if (pkcs11 == null || directory.isEmpty()) {
            LOG.info("RSA signature values by BouncyCastle: {}", pkcs11 == null
                ? "this JDK has no PKCS#11 provider (module jdk.crypto.cryptoki)"
                : "NSS's softoken (" + library + ", Debian package libnss3) is in none of " + LIBRARY_DIRECTORIES);
            return Optional.empty();
        }
        try {
            // "--": the configuration inline; noDb: NSS's crypto only, no key database read or written.
            Provider nss = pkcs11.configure("--name = CivicMail-NSS\nnssLibraryDirectory = " + directory.get() + "\nnssDbMode = noDb\n");
            LOG.info("RSA signature values by NSS's softoken in {}", directory.get());
            return Optional.of(nss);
        } catch (RuntimeException e) {
            LOG.warn("RSA signature values by BouncyCastle: NSS in {} did not start ({})", directory.get(), e.getMessage());
            return Optional.empty();
        }
    }

    private NssSoftoken() {
    }
}
