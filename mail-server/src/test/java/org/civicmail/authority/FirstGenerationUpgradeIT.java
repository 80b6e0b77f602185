package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Store;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.asn1.x500.X500Name;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Today's server (in the test's JVM) started on a data directory the released code (a2537e2: one issuing CA for S/MIME and TLS) made
 * (src/test/resources/first-generation-data, README there): the S/MIME and TLS issuing CAs appear at the start, the
 * listeners' certificate is re-issued by the TLS CA (the old one revoked, superseded), the accounts' certificates of
 * the first CA stay valid and keep signing until {@code ca renew-all} re-issues each for the same key under the
 * S/MIME CA, stores it beside the server-held key and revokes the old one (superseded). openssl (OCSP, CRL, verify)
 * and NSS ({@code certutil -V}, {@code vfychain} with OCSP) judge, not our code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstGenerationUpgradeIT {
    static final String PASSWORD = "correct horse 1";
    static final String OFFICIAL = "zhou.lei@gov.hangzhou.example";
    static final String CITIZEN = "ouyang.xiu@citizen.hangzhou.example";
    /** The fixture's good account certificates, all from CivicMail Issuing CA 1 (see the fixture's README). */
    static final Map<String, String> OLD = new LinkedHashMap<>(Map.of(
        OFFICIAL, "6E149ADDE59D0EA25507B1981F063A16",
        "tax-bureau@gov.hangzhou.example", "105EA9A79F8111B365A4724310120300",
        "water@corp.hangzhou.example", "4DFB61634B0EDE2CF45333158AFD47AD",
        CITIZEN, "7DF972519B08E53E60E1744EF716A3B9"));
    static final String OLD_TLS = "27B88DF4C2FD04F950E14EB0EFA9F35D";
    static final String REVOKED = "3D96034C0DDB9E7506D82BAB2F58B6E0";

    /** In the test's JVM, given the fixture's CA passphrase as an operator's environment gives it. */
    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension().withCaPassphrase(ForkedServer.CA_PASSPHRASE)
        .withData(FirstGenerationUpgradeIT::unpackFixture);

    @TempDir
    static Path tmp;
    CaJudges judges;
    MailClient mail;
    Path legacyCa;

    @BeforeAll
    void judgesOfTheUpgradedServer() throws Exception {
        judges = new CaJudges(server, tmp.resolve("judges"));
        mail = new MailClient(server);
        legacyCa = judges.caFile("issuing");
    }

    /** The data directory of the fixture (its archive holds {@code data/}). */
    private static void unpackFixture(Path data) throws Exception {
        Path fixture = Path.of(FirstGenerationUpgradeIT.class.getResource("/first-generation-data/data.tgz").toURI());
        Process tar = new ProcessBuilder("tar", "-xzf", fixture.toString(), "-C", data.getParent().toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        assertThat(data.resolve("ca/issuing-ca.p12")).isRegularFile();
    }

    @Test
    @Order(1)
    void theStartAddsThePurposeBoundCasAndTheOldCertificatesStayValid() throws Exception {
        String list = judges.ok("", "ca", "list", "--limit", "100");
        assertThat(list).contains("CN=CivicMail S/MIME Issuing CA 2").contains("CN=CivicMail TLS Issuing CA 2")
            .contains("CN=CivicMail Issuing CA 1");

        // Every account certificate of the first CA is still good by its own OCSP signer; the revoked one stays revoked.
        for (String serial : OLD.values()) {
            assertThat(ocsp(legacyCa, serial)).contains(": good");
        }
        assertThat(ocsp(legacyCa, REVOKED)).contains(": revoked").contains("Reason: keyCompromise");

        // The listeners present a certificate of the TLS issuing CA; the start revoked the old one as superseded.
        String imaps = Openssl.run("s_client", "-connect", "127.0.0.1:" + server.port("imaps"), "-CAfile", judges.root.toString(),
            "-verify_return_error", "-verify_hostname", "localhost").output();
        assertThat(imaps).contains("Verify return code: 0 (ok)").contains("i:C = CN, O = CivicMail City, CN = CivicMail TLS Issuing CA 2");
        assertThat(ocsp(legacyCa, OLD_TLS)).contains(": revoked").contains("Reason: superseded");
        judges.accepts(judges.newestProfile("TLS_SERVER"), "sslserver", "V");

        // The official's server-held key still signs with the old certificate, and the verifier accepts it.
        assertThat(signedSerial("before renew-all")).isEqualToIgnoringCase(stripZeros(OLD.get(OFFICIAL)));

        // A new account's certificate comes from the S/MIME issuing CA.
        judges.ok(PASSWORD + "\n", "account", "add", "--class", "official", "--address", "li.ming@gov.hangzhou.example", "--name", "李明",
            "--agency", "杭州市民政局", "--employee-no", "MZ-0100", "--password-stdin");
        X509Certificate fresh = judges.newest("li.ming@gov.hangzhou.example");
        assertThat(fresh.getIssuerX500Principal().getName()).contains("CN=CivicMail S/MIME Issuing CA 2");
        judges.accepts(fresh, "smimesign", "S");
    }

    @Test
    @Order(2)
    void renewAllReissuesEveryAccountForTheSameKeyAndRevokesTheOldOnesAsSuperseded() throws Exception {
        String out = judges.ok("", "ca", "renew-all");
        // The listeners' certificate is not among them: the start replaced it (the one moment every listener loads it).
        assertThat(out).contains("4 certificates renewed, 0 left").doesNotContain(OLD_TLS).doesNotContain(REVOKED);
        Path smimeCa = judges.caFile("smime");
        Map<String, X509Certificate> old = new LinkedHashMap<>();
        Map<String, X509Certificate> renewedFor = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : OLD.entrySet()) {
            Matcher renewed = Pattern.compile(e.getValue() + " -> ([0-9A-F]+)  " + Pattern.quote(e.getKey())).matcher(out);
            assertThat(renewed.find()).as(out).isTrue();
            X509Certificate now = judges.show(renewed.group(1));
            X509Certificate before = judges.show(e.getValue());
            old.put(e.getKey(), before);
            renewedFor.put(e.getKey(), now);
            assertThat(now.getIssuerX500Principal().getName()).contains("CN=CivicMail S/MIME Issuing CA 2");
            assertThat(now.getPublicKey().getEncoded()).as("same key").isEqualTo(before.getPublicKey().getEncoded());
            assertThat(List.copyOf(now.getSubjectAlternativeNames())).isEqualTo(List.copyOf(before.getSubjectAlternativeNames()));
            judges.accepts(now, "smimesign", "S");
            assertThat(ocsp(smimeCa, renewed.group(1))).contains(": good");
            assertThat(ocsp(legacyCa, e.getValue())).contains(": revoked").contains("Reason: superseded");
            // NSS asks the OCSP responder itself (libpkix, fresh information required for the leaf). The old
            // certificates name the fixture's CA port in their AIA, long closed: their revocation is asked of today's
            // responder explicitly (openssl above), as NSS cannot reach theirs (it would answer -8071, NssRevocationIT).
            assertThat(vfychain(now, smimeCa)).contains("Chain is good!");
        }
        // The strict profile reaches renewed certificates: the official's name split by the documented derivation.
        assertThat(X500Name.getInstance(renewedFor.get(OFFICIAL).getSubjectX500Principal().getEncoded()).toString())
            .isEqualTo("C=CN,O=杭州市民政局,organizationIdentifier=GOVCN,SURNAME=周,GIVENNAME=磊,CN=周磊");

        // The first CA's CRL lists the four and the old TLS certificate as superseded; openssl refuses the old ones
        // with it and the root CRL, and accepts the new ones with the S/MIME CA's CRL.
        Path legacyCrl = Files.write(tmp.resolve("issuing.crl"), judges.http("/crl/issuing.crl").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path rootCrl = Files.write(tmp.resolve("root.crl"), judges.http("/crl/root.crl").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path smimeCrl = Files.write(tmp.resolve("smime.crl"), judges.http("/crl/smime.crl").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String crl = Openssl.run("crl", "-inform", "DER", "-noout", "-text", "-in", legacyCrl.toString()).output();
        assertThat(crl.split("Superseded", -1).length - 1).as(crl).isEqualTo(5);
        for (Map.Entry<String, X509Certificate> e : old.entrySet()) {
            X509Certificate before = e.getValue();
            assertThat(crl).contains("Serial Number: " + OLD.get(e.getKey()));
            Openssl.Result revoked = Openssl.run("verify", "-crl_check_all", "-CRLfile", legacyCrl.toString(), "-CRLfile", rootCrl.toString(),
                "-CAfile", judges.root.toString(), "-untrusted", judges.intermediates.toString(), judges.write(before).toString());
            assertThat(revoked.output()).contains("certificate revoked");
        }
        Openssl.Result renewed = Openssl.run("verify", "-crl_check_all", "-CRLfile", smimeCrl.toString(), "-CRLfile", rootCrl.toString(),
            "-CAfile", judges.root.toString(), "-untrusted", judges.intermediates.toString(), judges.write(renewedFor.get(OFFICIAL)).toString());
        assertThat(renewed.output()).endsWith(": OK\n");

        // The server-held key now signs with its renewed certificate.
        assertThat(signedSerial("after renew-all")).isEqualToIgnoringCase(renewedFor.get(OFFICIAL).getSerialNumber().toString(16));
        // Nothing is left for a second run.
        assertThat(judges.ok("", "ca", "renew-all")).contains("0 certificates renewed");
    }

    /** {@code openssl ocsp} against the server's responder, the response verified against our CA certificates. */
    private String ocsp(Path issuer, String serialHex) throws Exception {
        Path all = Files.writeString(tmp.resolve("all-cas.pem"), Files.readString(judges.intermediates) + Files.readString(judges.root));
        Openssl.Result r = Openssl.run("ocsp", "-issuer", issuer.toString(), "-serial", "0x" + serialHex, "-url", judges.baseUrl() + "/ocsp",
            "-CAfile", all.toString());
        assertThat(r.output()).as(r.output()).startsWith("Response verify OK\n");
        return r.output();
    }

    /** NSS libpkix ({@code vfychain -pp}): OCSP for the leaf, CRLs for the CA certificates, fresh information required. */
    private String vfychain(X509Certificate leaf, Path issuing) throws Exception {
        return CaJudges.run("vfychain", "-d", "sql:" + judges.nss, "-pp", "-u", "4", "-g", "leaf", "-m", "ocsp", "-s", "failIfNoInfo",
            "-h", "requireFreshInfo", "-g", "chain", "-m", "crl", "-s", "failIfNoInfo", "-h", "requireFreshInfo",
            "-a", judges.write(leaf).toString(), "-a", issuing.toString());
    }

    /** Sends a mail from the official to the citizen and returns the signer serial of its verdict header. */
    private String signedSerial(String subject) throws Exception {
        MimeMessage m = mail.message(OFFICIAL, CITIZEN, subject, "通知");
        mail.send(OFFICIAL, PASSWORD, m);
        await().atMost(Duration.ofSeconds(30)).until(() -> mail.inboxSubjects(CITIZEN, PASSWORD).contains(subject));
        try (Store store = mail.imap(CITIZEN, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message msg : inbox.getMessages()) {
                if (subject.equals(msg.getSubject())) {
                    String verdict = msg.getHeader("X-CivicMail-Signature")[0];
                    assertThat(verdict).startsWith("valid; signer=\"" + OFFICIAL + "\"");
                    Matcher serial = Pattern.compile("serial=([0-9a-f]+)").matcher(verdict);
                    assertThat(serial.find()).as(verdict).isTrue();
                    return serial.group(1);
                }
            }
        }
        throw new AssertionError("no message " + subject);
    }

    private static String stripZeros(String hex) {
        return hex.replaceFirst("^0+", "");
    }
}
