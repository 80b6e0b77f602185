package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NSS's libpkix ({@code vfychain -pp}, fetching over HTTP itself) checks revocation the way our CA publishes it: an
 * end-entity certificate by OCSP (its AIA) or by its issuing CA's CRL, an issuing CA's own certificate by the root
 * CRL only (S/MIME BR §7.1.2.2 requires a CRL distribution point on a subordinate CA; an OCSP URL there is optional,
 * and the root key is offline, so no OCSP responder can speak for the root). {@code -g leaf} flags check the leaf,
 * {@code -g chain} flags the CA certificates; with {@code failIfNoInfo} a missing answer is reported like a revocation
 * (-8180), so each refusal here is paired with the same flags accepting a good certificate at the same URLs.
 *
 * <p>Two NSS results that looked like our responder's fault, and are not:
 * <ul>
 * <li>{@code -g chain -m ocsp -h requireFreshInfo} refuses a good chain with -8180: it demands fresh OCSP information
 * for the issuing CA's certificate, which carries no OCSP URL. NSS is right under those flags; CA certificates are
 * checked by CRL.</li>
 * <li>-8071 ({@code SEC_ERROR_OCSP_SERVER_ERROR}, "The OCSP server experienced an internal error") is what libpkix
 * reports when the responder in the certificate's AIA cannot be reached at all (it sends no request; it also names
 * the wrong certificate of the chain). Seen when a test's CA reopened on another port: the URLs in certificates are
 * the CA's base URL of the time they were issued, so a city keeps {@code civicmail.ca.base-url} stable.</li>
 * </ul>
 * Our responder, asked about a certificate the root issued, answers {@code unauthorized} (unsigned), not an
 * {@code unknown} signed by a responder the root never delegated to.
 */
class NssRevocationIT {
    static final List<String> LEAF_BY_OCSP_CHAIN_BY_CRL = List.of("-u", "4", "-g", "leaf", "-m", "ocsp", "-s", "failIfNoInfo",
            "-h", "requireFreshInfo", "-g", "chain", "-m", "crl", "-s", "failIfNoInfo", "-h", "requireFreshInfo");
    static final List<String> ALL_BY_CRL = List.of("-u", "4", "-g", "leaf", "-m", "crl", "-s", "failIfNoInfo",
            "-h", "requireFreshInfo", "-g", "chain", "-m", "crl", "-s", "failIfNoInfo", "-h", "requireFreshInfo");
    static final List<String> CHAIN_BY_OCSP = List.of("-u", "4", "-g", "chain", "-m", "ocsp", "-h", "requireFreshInfo");

    @TempDir
    Path dir;

    @Test
    void nssChecksTheLeafByOcspOrCrlAndTheIssuingCaByTheRootCrlAndSeesARevocationBothWays() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            IssuedCredential bob = t.ca.issueForAccount("bob@city.example");
            Path root = t.write("root.pem", Pem.certificates(t.ca.trustAnchor()));
            Path smimeCa = t.write("smime-ca.pem", Pem.certificates(t.ca.issuingCertificate(IssuerSlot.SMIME).orElseThrow()));
            Path leaf = t.write("bob.pem", Pem.certificates(bob.certificate()));
            Nss nss = new Nss(dir.resolve("nss"));
            nss.add("root", root, "C,C,C");

            assertGood(nss.vfychain(LEAF_BY_OCSP_CHAIN_BY_CRL, leaf, smimeCa));
            assertGood(nss.vfychain(ALL_BY_CRL, leaf, smimeCa));
            // Fresh OCSP information demanded for the issuing CA too, which publishes none: refused (see above).
            assertRevoked(nss.vfychain(CHAIN_BY_OCSP, leaf, smimeCa));

            // Our responder does not speak for the root: unauthorized, which openssl reports as a responder error.
            Openssl.Result aboutTheCa = Openssl.run("ocsp", "-issuer", root.toString(), "-cert", smimeCa.toString(),
                    "-url", t.http.baseUrl() + "/ocsp", "-CAfile", root.toString());
            assertTrue(aboutTheCa.output().contains("Responder Error: unauthorized (6)"), aboutTheCa.output());

            // Attack: a stolen key still used after revocation. NSS refuses it by OCSP and by the CRL alike.
            t.ca.revoke(bob.serial(), RevocationReason.keyCompromise);
            assertRevoked(nss.vfychain(LEAF_BY_OCSP_CHAIN_BY_CRL, leaf, smimeCa));
            assertRevoked(nss.vfychain(ALL_BY_CRL, leaf, smimeCa));

            // A responder NSS cannot reach: -8071, no request sent (the error the previous session could not explain).
            IssuedCredential alice = t.ca.issueForAccount("alice@city.example");
            Path alicePem = t.write("alice.pem", Pem.certificates(alice.certificate()));
            t.http.close();
            Nss.Result unreachable = nss.vfychain(LEAF_BY_OCSP_CHAIN_BY_CRL.subList(0, 8), alicePem, smimeCa);
            assertTrue(unreachable.output().contains("ERROR -8071"), unreachable.output());
        }
    }

    private static void assertGood(Nss.Result r) {
        assertTrue(r.output().contains("Chain is good!"), r.output());
    }

    private static void assertRevoked(Nss.Result r) {
        assertTrue(r.output().contains("Chain is bad!") && r.output().contains("ERROR -8180"), r.output());
    }
}
