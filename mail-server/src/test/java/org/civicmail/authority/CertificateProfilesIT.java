package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.Openssl;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running server's CA issues each class its strict S/MIME BR profile from the S/MIME issuing CA and the TLS
 * certificate from the TLS issuing CA; names given at account creation, derived for older accounts, or set later
 * reach the certificate. openssl ({@code -x509_strict}) and NSS ({@code certutil -V -u S / -u V}) judge each one.
 * With the default configuration every key is P-256; {@link RsaCertificateProfilesIT} runs the same checks on a
 * server configured for RSA-3072 throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificateProfilesIT {
    static final String OFFICIAL = "zhou.lei@gov.hangzhou.example";
    static final String AGENCY = "tax-bureau@gov.hangzhou.example";
    static final String COMPANY = "water@corp.hangzhou.example";
    static final String CITIZEN = "ouyang.xiu@citizen.hangzhou.example";
    static final String PASSWORD = "correct horse 1";

    /** Static: JUnit fills it before {@code @BeforeAll}, once per class (this one and each subclass in turn). */
    @TempDir
    static Path tmp;
    CivicMailExtension server;
    CaJudges judges;

    /** Configuration the server starts with (none: the shipped defaults, P-256 keys). */
    Map<String, String> configuration() {
        return Map.of();
    }

    /** The size of every key of this server, the CA's own included (P-256: 256). */
    int expectedBits() {
        return 256;
    }

    private String expectedKey() {
        return "Public-Key: (" + expectedBits() + " bit)";
    }

    @BeforeAll
    void start() throws Exception {
        server = CivicMailExtension.started(getClass(), configuration(), ForkedServer.CONF);
        ok(PASSWORD + "\n", "account", "add", "--class", "official", "--address", OFFICIAL, "--name", "周磊", "--surname", "周",
            "--given-name", "磊", "--agency", "杭州市民政局", "--employee-no", "MZ-0077", "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "official", "--address", AGENCY, "--name", "杭州市税务局",
            "--agency", "杭州市税务局", "--employee-no", "AGENCY-0001", "--may-broadcast", "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "legal-entity", "--address", COMPANY, "--name", "杭州西湖水务有限公司",
            "--credit-code", TestIds.creditCode("91330106MA2B0WAT0"), "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "欧阳修",
            "--id-number", TestIds.residentId("11010519491231002"), "--password-stdin");
        judges = new CaJudges(server, tmp.resolve("judges"));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void everyClassGetsItsStrictProfileFromTheSmimeIssuingCa() throws Exception {
        X509Certificate official = judges.newest(OFFICIAL);
        assertThat(subject(official)).isEqualTo("C=CN,O=杭州市民政局,organizationIdentifier=GOVCN,SURNAME=周,GIVENNAME=磊,CN=周磊");
        assertThat(policies(official)).contains("Policy: 2.23.140.1.5.3.3");
        X509Certificate agency = judges.newest(AGENCY);
        assertThat(subject(agency)).isEqualTo("C=CN,O=杭州市税务局,organizationIdentifier=GOVCN,CN=杭州市税务局");
        assertThat(policies(agency)).contains("Policy: 2.23.140.1.5.2.3");
        X509Certificate company = judges.newest(COMPANY);
        assertThat(subject(company)).startsWith("C=CN,O=杭州西湖水务有限公司,organizationIdentifier=NTRCN-91330106MA2B0WAT");
        assertThat(policies(company)).contains("Policy: 2.23.140.1.5.2.3");
        // a citizen made without --surname: the documented derivation (compound surname 欧阳)
        X509Certificate citizen = issueForCitizen("first");
        assertThat(subject(citizen)).isEqualTo("SURNAME=欧阳,GIVENNAME=修,CN=欧阳修");
        assertThat(policies(citizen)).contains("Policy: 2.23.140.1.5.4.3");
        for (X509Certificate c : List.of(official, agency, company, citizen)) {
            judges.accepts(c, "smimesign", "S");
            assertThat(c.getIssuerX500Principal().getName()).contains("CN=CivicMail S/MIME Issuing CA 2");
            assertThat(keyOf(c)).contains(expectedKey());
        }
        X509Certificate tls = judges.newestProfile("TLS_SERVER");
        assertThat(tls.getIssuerX500Principal().getName()).contains("CN=CivicMail TLS Issuing CA 2");
        judges.accepts(tls, "sslserver", "V");
        assertThat(keyOf(tls)).contains(expectedKey());
        // What the listeners present is that certificate, and openssl accepts the chain they send.
        String imaps = Openssl.run("s_client", "-connect", "127.0.0.1:" + server.port("imaps"), "-CAfile", judges.root.toString(),
            "-verify_return_error", "-verify_hostname", "localhost").output();
        assertThat(imaps).contains("Verify return code: 0 (ok)").contains("Server public key is " + expectedBits() + " bit");
        // The CA's own keys: the root, both issuing CAs and the OCSP signer of each (of its CA's kind).
        for (X509Certificate ca : CaJudges.parse(judges.http("/ca/chain.pem"))) {
            assertThat(keyOf(ca)).as(ca.getSubjectX500Principal().getName()).contains(expectedKey());
        }
        assertThat(keyOf(judges.newestProfile("OCSP_SIGNER"))).contains(expectedKey());
    }

    @Test
    @Order(2)
    void namesSetLaterReachTheNextCertificateAndBadNamesAreRefused() throws Exception {
        ok("", "account", "set", CITIZEN, "--surname", "欧", "--given-name", "阳修");
        assertThat(subject(issueForCitizen("second"))).isEqualTo("SURNAME=欧,GIVENNAME=阳修,CN=欧阳修");
        CliResult givenOnly = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address",
            "li.na@citizen.hangzhou.example", "--name", "李娜", "--given-name", "娜", "--id-number",
            TestIds.residentId("33010619850612002"), "--password-stdin");
        assertThat(givenOnly.exitCode()).as(givenOnly.out() + givenOnly.err()).isEqualTo(2);
        assertThat(givenOnly.err()).contains("surname").contains("is required with given-name");
        CliResult agencyName = server.cli("", "account", "set", AGENCY, "--surname", "王");
        assertThat(agencyName.exitCode()).as(agencyName.out() + agencyName.err()).isNotZero();
        assertThat(agencyName.err()).contains("organisation's mailbox");
        // a fresh city has nothing under an older issuing CA
        assertThat(ok("", "ca", "renew-all")).contains("0 certificates renewed");
    }

    private X509Certificate issueForCitizen(String name) throws Exception {
        Path password = Files.writeString(tmp.resolve(name + ".pw"), "p12 password " + name);
        Path p12 = tmp.resolve(name + ".p12");
        ok("", "ca", "issue", "--address", CITIZEN, "--p12", p12.toString(), "--p12-password-file", password.toString());
        return judges.newest(CITIZEN);
    }

    private String keyOf(X509Certificate c) throws Exception {
        return Openssl.run("x509", "-noout", "-text", "-in", judges.write(c).toString()).output();
    }

    private static String subject(X509Certificate c) {
        return X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).toString();
    }

    private String policies(X509Certificate c) throws Exception {
        return Openssl.run("x509", "-noout", "-ext", "certificatePolicies", "-in", judges.write(c).toString()).output();
    }

    private String ok(String stdin, String... args) throws Exception {
        return CaJudges.ok(server, stdin, args);
    }
}
