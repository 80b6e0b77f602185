package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificateProfilesIT {
    static final String OFFICIAL = "zhou.lei@gov.hangzhou.example";
    static final String AGENCY = "tax-bureau@gov.hangzhou.example";
    static final String COMPANY = "water@corp.hangzhou.example";
    static final String CITIZEN = "ouyang.xiu@citizen.hangzhou.example";
    static final String PASSWORD = "correct horse 1";
    static final Pattern SERIAL = Pattern.compile("^([0-9A-F]{16,})\\s", Pattern.MULTILINE);

    @TempDir
    static Path tmp;
    ForkedServer server;
    Path root;
    Path intermediates;
    Path nss;

    @BeforeAll
    void start() throws Exception {
        server = ForkedServer.start(tmp.resolve("data"), Map.of());
        ok(PASSWORD + "\n", "account", "add", "--class", "official", "--address", OFFICIAL, "--name", "周磊", "--surname", "周",
            "--given-name", "磊", "--agency", "杭州市民政局", "--employee-no", "MZ-0077", "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "official", "--address", AGENCY, "--name", "杭州市税务局",
            "--agency", "杭州市税务局", "--employee-no", "AGENCY-0001", "--may-broadcast", "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "legal-entity", "--address", COMPANY, "--name", "杭州西湖水务有限公司",
            "--credit-code", TestIds.creditCode("91330106MA2B0WAT0"), "--password-stdin");
        ok(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "欧阳修",
            "--id-number", TestIds.residentId("11010519491231002"), "--password-stdin");
        String chain = ok("", "ca", "export", "--out", tmp.resolve("all.pem").toString());
        assertThat(chain).contains("certificate");
        List<X509Certificate> cas = parse(Files.readString(tmp.resolve("all.pem")));
        root = Files.writeString(tmp.resolve("root.pem"), pem(cas.get(cas.size() - 1)));
        StringBuilder rest = new StringBuilder();
        cas.subList(0, cas.size() - 1).forEach(c -> rest.append(pem(c)));
        intermediates = Files.writeString(tmp.resolve("intermediates.pem"), rest.toString());
        nss = Files.createDirectories(tmp.resolve("nss"));
        run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "C,C,C", "-i", root.toString());
        for (int i = 0; i < cas.size() - 1; i++) {
            Path p = Files.writeString(tmp.resolve("ca-" + i + ".pem"), pem(cas.get(i)));
            run("certutil", "-A", "-d", "sql:" + nss, "-n", "ca-" + i, "-t", ",,", "-i", p.toString());
        }
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
        X509Certificate official = newest(OFFICIAL);
        assertThat(subject(official)).isEqualTo("C=CN,O=杭州市民政局,organizationIdentifier=GOVCN,SURNAME=周,GIVENNAME=磊,CN=周磊");
        assertThat(policies(official)).contains("Policy: 2.23.140.1.5.3.3");
        X509Certificate agency = newest(AGENCY);
        assertThat(subject(agency)).isEqualTo("C=CN,O=杭州市税务局,organizationIdentifier=GOVCN,CN=杭州市税务局");
        assertThat(policies(agency)).contains("Policy: 2.23.140.1.5.2.3");
        X509Certificate company = newest(COMPANY);
        assertThat(subject(company)).startsWith("C=CN,O=杭州西湖水务有限公司,organizationIdentifier=NTRCN-91330106MA2B0WAT");
        assertThat(policies(company)).contains("Policy: 2.23.140.1.5.2.3");
        // a citizen made without --surname: the documented derivation (compound surname 欧阳)
        X509Certificate citizen = issueForCitizen("first");
        assertThat(subject(citizen)).isEqualTo("SURNAME=欧阳,GIVENNAME=修,CN=欧阳修");
        assertThat(policies(citizen)).contains("Policy: 2.23.140.1.5.4.3");
        for (X509Certificate c : List.of(official, agency, company, citizen)) {
            judge(c, "smimesign", "S");
            assertThat(c.getIssuerX500Principal().getName()).contains("CN=CivicMail S/MIME Issuing CA 2");
        }
        X509Certificate tls = newestTls();
        assertThat(tls.getIssuerX500Principal().getName()).contains("CN=CivicMail TLS Issuing CA 2");
        judge(tls, "sslserver", "V");
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
        return newest(CITIZEN);
    }

    private X509Certificate newest(String account) throws Exception {
        Matcher m = SERIAL.matcher(ok("", "ca", "list", "--account", account, "--limit", "1"));
        assertThat(m.find()).isTrue();
        return show(m.group(1));
    }

    private X509Certificate newestTls() throws Exception {
        Matcher m = SERIAL.matcher(ok("", "ca", "list", "--profile", "TLS_SERVER", "--limit", "1"));
        assertThat(m.find()).isTrue();
        return show(m.group(1));
    }

    private X509Certificate show(String serial) throws Exception {
        String out = ok("", "ca", "show", "--serial", serial, "--pem");
        return parse(out.substring(out.indexOf("-----BEGIN"))).get(0);
    }

    private void judge(X509Certificate c, String purpose, String usage) throws Exception {
        String name = c.getSerialNumber().toString(16);
        Path leaf = Files.writeString(tmp.resolve(name + ".pem"), pem(c));
        Openssl.Result o = Openssl.run("verify", "-x509_strict", "-purpose", purpose, "-CAfile", root.toString(), "-untrusted",
            intermediates.toString(), leaf.toString());
        assertThat(o.output()).isEqualTo(leaf + ": OK\n");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", name, "-t", ",,", "-i", leaf.toString());
        String v = run("certutil", "-V", "-d", "sql:" + nss, "-n", name, "-u", usage);
        assertThat(v).contains("certificate is valid");
    }

    private static String subject(X509Certificate c) {
        return X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).toString();
    }

    private String policies(X509Certificate c) throws Exception {
        Path p = Files.writeString(tmp.resolve("p-" + c.getSerialNumber().toString(16) + ".pem"), pem(c));
        return Openssl.run("x509", "-noout", "-ext", "certificatePolicies", "-in", p.toString()).output();
    }

    private String ok(String stdin, String... args) throws Exception {
        CliResult r = server.cli(stdin, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.out() + r.err()).isZero();
        return r.out();
    }

    private static List<X509Certificate> parse(String pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    private static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (!cmd[1].equals("-V")) {
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        }
        return out;
    }
}
