package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Store;
import javax.mail.internet.MimeMessage;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.HandSignedMail;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.Openssl;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S/MIME end to end: officials' mail is signed with their own certificate, every delivered message carries the
 * server's verdict, and openssl, reading the same bytes over IMAP, agrees with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmimeIT {
    static final String TAX = "tax-office@gov.hangzhou.example";
    static final String WATER = "water-office@gov.hangzhou.example";
    static final String CITIZEN = "ma.lan@citizen.hangzhou.example";
    static final String PASSWORD = "smime-test-pw";

    // These tests replay official mail through the smtp port, as a forwarder would, to see the verifier's
    // verdicts; with the city-domain rule on (the default) such mail is refused at DATA (CityDomainIT).
    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension()
        .withConfiguration("civicmail.inbound.reject-city-from", "false");
    @TempDir
    static Path tmp;
    MailClient client;
    Path rootPem;

    @BeforeAll
    void start() throws Exception {
        client = new MailClient(server);
        official(TAX, "杭州市税务局");
        official(WATER, "杭州市水务集团");
        CliResult c = server.cli(PASSWORD, "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "马兰",
            "--id-number", TestIds.residentId("33010619880808008"), "--password-stdin");
        assertThat(c.exitCode()).as(c.err()).isZero();
        rootPem = Files.writeString(tmp.resolve("root.pem"), httpGet("/ca/root.pem"));
    }

    private void official(String address, String agency) throws Exception {
        CliResult r = server.cli(PASSWORD, "account", "add", "--class", "official", "--address", address, "--name", agency,
            "--agency", agency, "--employee-no", "A-" + address.length(), "--may-broadcast", "--password-stdin");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private String httpGet(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("ca-http") + path)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Raw bytes of the citizen's message with this subject, as any IMAP client would download them. */
    private byte[] fetchRaw(String subject) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(CITIZEN, PASSWORD).contains(subject));
        try (Store store = client.imap(CITIZEN, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    m.writeTo(out);
                    return out.toByteArray();
                }
            }
        }
        throw new AssertionError("no message " + subject);
    }

    private static String header(byte[] raw, String name) throws Exception {
        MimeMessage m = new MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        String[] values = m.getHeader(name);
        assertThat(values == null ? 0 : values.length).as("number of " + name + " headers").isLessThanOrEqualTo(1);
        return values == null ? null : values[0];
    }

    private Openssl.Result opensslVerify(byte[] raw, String name, String... extra) throws Exception {
        Path file = Files.write(tmp.resolve(name + ".eml"), raw);
        String[] base = {"smime", "-verify", "-CAfile", rootPem.toString(), "-in", file.toString(), "-out", tmp.resolve(name + ".out").toString(),
            "-signer", tmp.resolve(name + ".signer.pem").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Openssl.run(args);
    }

    /** Mail from outside, straight to the inbound SMTP listener, as a foreign server (or a forger) would send it. */
    private void injectFromOutside(byte[] raw) throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO outside.example");
            assertThat(smtp.send("MAIL FROM:<relay@outside.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<" + CITIZEN + ">")).startsWith("250");
            assertThat(smtp.data(new String(raw, StandardCharsets.ISO_8859_1))).startsWith("250");
        }
    }

    /**
     * The message as re-sent with another outer Subject. Only the first occurrence is the outer header field: the
     * protected copy inside the signed part (RFC 9788) stays as signed, as a re-sender cannot change it unnoticed.
     */
    private static byte[] withSubject(byte[] raw, String oldSubject, String newSubject) {
        return replaceFirst(new String(raw, StandardCharsets.ISO_8859_1), "Subject: " + oldSubject, "Subject: " + newSubject)
            .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String replaceFirst(String text, String target, String replacement) {
        int at = text.indexOf(target);
        assertThat(at).as("'" + target + "' in the message").isNotNegative();
        return text.substring(0, at) + replacement + text.substring(at + target.length());
    }

    @Test
    void anOfficialsMailIsSignedWithTheirOwnCertificateAndOpensslAgrees() throws Exception {
        java.time.Instant before = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        MimeMessage submitted = client.message(TAX, CITIZEN, "2026 individual income tax notice", "请于12月31日前完成个税汇算。");
        client.send(TAX, PASSWORD, submitted);
        byte[] raw = fetchRaw("2026 individual income tax notice");
        java.time.Instant after = java.time.Instant.now();
        String verdict = header(raw, "X-CivicMail-Signature");
        // The server protects the header (RFC 9788) and the shared verifier finds every protected field unchanged.
        assertThat(verdict).matches("valid; signer=\"" + Pattern.quote(TAX) + "\"; serial=[0-9a-f]+; signed-at=[^;]+Z");
        assertThat(header(raw, "X-CivicMail-Warning")).isNull();
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).contains("multipart/signed").contains("micalg=sha-256");

        Openssl.Result openssl = opensslVerify(raw, "signed");
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();
        assertThat(openssl.output()).contains("Verification successful");
        Openssl.Result signer = Openssl.run("x509", "-in", tmp.resolve("signed.signer.pem").toString(), "-noout", "-serial", "-ext", "subjectAltName");
        assertThat(signer.output()).contains("email:" + TAX);
        Matcher serial = Pattern.compile("serial=([0-9a-f]+)").matcher(verdict);
        assertThat(serial.find()).isTrue();
        assertThat(signer.output().toLowerCase()).contains("serial=" + (serial.group(1).length() % 2 == 1 ? "0" : "") + serial.group(1));
        assertThat(Files.readString(tmp.resolve("signed.out"), StandardCharsets.UTF_8)).contains("Content-Type: text/plain");

        // signingTime is the server's clock at signing; the client's Date, being close to it, stays as written
        // (Thunderbird compares the two and tolerates far more than the 15 minutes allowed here).
        MimeMessage parsed = new MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        Matcher signedAt = Pattern.compile("signed-at=([^;\\s]+)").matcher(verdict);
        assertThat(signedAt.find()).isTrue();
        assertThat(java.time.Instant.parse(signedAt.group(1))).isBetween(before, after);
        assertThat(parsed.getSentDate()).isEqualTo(submitted.getSentDate());
    }

    @Test
    void aClientDateBeforeTheCertificateWasIssuedIsReplacedByTheServersTimeAndTheMailArrivesValid() throws Exception {
        // Issue 11 case 8: a client Date before the certificate's issuance used to become signingTime and make the
        // server's own signature "tampered" (and the sender an "unsigned official").
        MimeMessage submitted = client.message(TAX, CITIZEN, "dated before issuance", "应纳税额=3D1200 元");
        submitted.setSentDate(java.util.Date.from(java.time.Instant.now().minus(java.time.Duration.ofDays(3))));
        submitted.saveChanges();
        java.time.Instant before = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        client.send(TAX, PASSWORD, submitted);
        byte[] raw = fetchRaw("dated before issuance");
        String verdict = header(raw, "X-CivicMail-Signature");
        assertThat(verdict).startsWith("valid; signer=\"" + TAX + "\"");
        assertThat(header(raw, "X-CivicMail-Warning")).isNull();
        Matcher signedAt = Pattern.compile("signed-at=(\\S+)").matcher(verdict);
        assertThat(signedAt.find()).isTrue();
        MimeMessage parsed = new MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        assertThat(parsed.getSentDate().toInstant()).isEqualTo(java.time.Instant.parse(signedAt.group(1))).isAfterOrEqualTo(before);
        Openssl.Result openssl = opensslVerify(raw, "old-date");
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();
    }

    @Test
    void changingOneByteMakesOpensslFailAndOurHeaderSayTampered() throws Exception {
        client.send(TAX, PASSWORD, client.message(TAX, CITIZEN, "tamper target", "Amount due: 100 yuan"));
        byte[] raw = fetchRaw("tamper target");
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Amount due: 100 yuan");
        byte[] tampered = withSubject(text.replace("Amount due: 100 yuan", "Amount due: 900 yuan").getBytes(StandardCharsets.ISO_8859_1),
            "tamper target", "tampered copy");

        Openssl.Result openssl = opensslVerify(tampered, "tampered");
        assertThat(openssl.exitCode()).as(openssl.output()).isNotZero();
        assertThat(openssl.output()).containsIgnoringCase("digest failure");

        injectFromOutside(tampered);
        byte[] delivered = fetchRaw("tampered copy");
        assertThat(header(delivered, "X-CivicMail-Signature"))
            .startsWith("invalid; reason=tampered; signer=\"" + TAX + "\"")
            .endsWith("detail=\"the message was altered after it was signed\"");
        assertThat(header(delivered, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");
    }

    @Test
    void aForgedStatusHeaderFromOutsideIsReplacedByTheServersVerdict() throws Exception {
        String forged = "From: friend@outside.example\r\nTo: " + CITIZEN + "\r\nSubject: forged status\r\n"
            + "X-CivicMail-Signature: valid; signer=\"" + TAX + "\"; serial=1\r\nX-CivicMail-Warning: none\r\n\r\ntrust me\r\n";
        injectFromOutside(forged.getBytes(StandardCharsets.US_ASCII));
        byte[] delivered = fetchRaw("forged status");
        assertThat(header(delivered, "X-CivicMail-Signature")).isEqualTo("none");
        assertThat(header(delivered, "X-CivicMail-Warning")).isNull();
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1)).doesNotContain("serial=1");
    }

    @Test
    void unsignedMailClaimingAnOfficialSenderIsFlagged() throws Exception {
        String claim = "From: " + TAX + "\r\nTo: " + CITIZEN + "\r\nSubject: refund available\r\n\r\nclick here\r\n";
        injectFromOutside(claim.getBytes(StandardCharsets.US_ASCII));
        byte[] delivered = fetchRaw("refund available");
        assertThat(header(delivered, "X-CivicMail-Signature")).isEqualTo("none");
        assertThat(header(delivered, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");
        assertThat(opensslVerify(delivered, "unsigned").exitCode()).isNotZero();
    }

    @Test
    void aFromThatIsNotTheCertificatesAddressIsReported() throws Exception {
        client.send(TAX, PASSWORD, client.message(TAX, CITIZEN, "from swap source", "official text"));
        String raw = new String(fetchRaw("from swap source"), StandardCharsets.ISO_8859_1);
        // The outer From only: the protected copy inside is what the official signed.
        byte[] swapped = withSubject(replaceFirst(raw, "From: " + TAX, "From: " + WATER).getBytes(StandardCharsets.ISO_8859_1),
            "from swap source", "from swapped");
        injectFromOutside(swapped);
        byte[] delivered = fetchRaw("from swapped");
        assertThat(header(delivered, "X-CivicMail-Signature")).startsWith("invalid; reason=from-mismatch; signer=\"" + TAX + "\"")
            .contains("detail=\"the message says it is from " + WATER + " but was signed by " + TAX + "\"");
        // openssl checks the signature, not RFC 8550's From rule: it still verifies, and finds TAX as signer.
        assertThat(opensslVerify(delivered, "swapped").exitCode()).isZero();
        assertThat(Openssl.run("x509", "-in", tmp.resolve("swapped.signer.pem").toString(), "-noout", "-ext", "subjectAltName").output())
            .contains("email:" + TAX);
    }

    @Test
    void afterRevocationEarlierSignedMailIsReportedRevokedAndNewMailIsNoLongerSigned() throws Exception {
        client.send(WATER, PASSWORD, client.message(WATER, CITIZEN, "water bill before revocation", "水费 35.20 元"));
        byte[] before = fetchRaw("water bill before revocation");
        String verdict = header(before, "X-CivicMail-Signature");
        assertThat(verdict).startsWith("valid; signer=\"" + WATER + "\"");
        Matcher serial = Pattern.compile("serial=([0-9a-f]+)").matcher(verdict);
        assertThat(serial.find()).isTrue();

        CliResult revoke = server.cli(null, "ca", "revoke", "--serial", "0x" + serial.group(1), "--reason", "keyCompromise");
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();

        injectFromOutside(withSubject(before, "water bill before revocation", "water bill redelivered"));
        byte[] redelivered = fetchRaw("water bill redelivered");
        assertThat(header(redelivered, "X-CivicMail-Signature"))
            .startsWith("invalid; reason=revoked; signer=\"" + WATER + "\"; serial=" + serial.group(1))
            .containsPattern("revoked-at=\\d{4}-\\d\\d-\\d\\dT")
            .contains("detail=\"the certificate was revoked on ");
        assertThat(header(redelivered, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");

        // openssl agrees once it is given our CRL.
        byte[] crlDer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("ca-http")
            + "/crl/smime.crl")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        Path crlFile = Files.write(tmp.resolve("issuing.crl"), crlDer);
        Path crlPem = tmp.resolve("issuing.crl.pem");
        assertThat(Openssl.run("crl", "-inform", "DER", "-in", crlFile.toString(), "-out", crlPem.toString()).exitCode()).isZero();
        // openssl smime takes CRLs from the CAfile: root and CRL in one trust file.
        Path rootAndCrl = Files.writeString(tmp.resolve("root+crl.pem"), Files.readString(rootPem) + Files.readString(crlPem));
        Path file = Files.write(tmp.resolve("revoked.eml"), redelivered);
        Openssl.Result withCrl = Openssl.run("smime", "-verify", "-CAfile", rootAndCrl.toString(), "-crl_check", "-in", file.toString(),
            "-out", tmp.resolve("revoked.out").toString());
        assertThat(withCrl.exitCode()).isNotZero();
        assertThat(withCrl.output()).contains("certificate revoked");

        client.send(WATER, PASSWORD, client.message(WATER, CITIZEN, "water bill after revocation", "水费 12.00 元"));
        byte[] after = fetchRaw("water bill after revocation");
        assertThat(header(after, "X-CivicMail-Signature")).isEqualTo("none");
        assertThat(header(after, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");
        assertThat(new String(after, StandardCharsets.ISO_8859_1)).doesNotContain("multipart/signed");
    }


    @Test
    void aCitizenGetsACertificateForTheirOwnMailClient() throws Exception {
        Path password = Files.writeString(tmp.resolve("citizen-p12.pw"), "citizen-p12-pw");
        Path p12 = tmp.resolve("ma.lan.p12");
        CliResult issued = server.cli(null, "account", "certificate", CITIZEN, "--p12", p12.toString(),
            "--p12-password-file", password.toString());
        assertThat(issued.exitCode()).as(issued.err()).isZero();
        assertThat(issued.out()).startsWith("issued certificate serial ");
        Openssl.Result cert = Openssl.run("pkcs12", "-in", p12.toString(), "-nokeys", "-clcerts", "-passin", "file:" + password,
            "-out", tmp.resolve("ma.lan.pem").toString());
        assertThat(cert.exitCode()).as(cert.output()).isZero();
        Path chain = Files.writeString(tmp.resolve("chain.pem"), httpGet("/ca/chain.pem"));
        assertThat(Openssl.run("verify", "-purpose", "smimesign", "-CAfile", chain.toString(), tmp.resolve("ma.lan.pem").toString()).output())
            .contains(": OK");

        CliResult again = server.cli(null, "account", "certificate", CITIZEN, "--p12", p12.toString(),
            "--p12-password-file", password.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().trim()).isEqualTo("error: --p12 " + p12 + " already exists; choose a new file name (nothing was issued)");
    }

    @Test
    void aMessageTheOfficialAlreadySignedInTheirOwnClientIsLeftAlone() throws Exception {
        // The official has a second certificate for their desktop client and signs there.
        Path password = Files.writeString(tmp.resolve("tax-client.pw"), "tax-client-pw-1");
        Path p12 = tmp.resolve("tax-client.p12");
        CliResult issued = server.cli(null, "account", "certificate", TAX, "--p12", p12.toString(), "--p12-password-file", password.toString());
        assertThat(issued.exitCode()).as(issued.err()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "tax-client-pw-1".toCharArray());
        }
        String alias = ks.aliases().nextElement();
        java.security.cert.Certificate[] chain = ks.getCertificateChain(alias);
        SigningCredential desktop = new SigningCredential(TAX, (java.security.PrivateKey) ks.getKey(alias, "tax-client-pw-1".toCharArray()),
            java.util.Arrays.stream(chain).map(java.security.cert.X509Certificate.class::cast).toList());
        MimeMessage signedByClient = new SmimeSigner().sign(client.message(TAX, CITIZEN, "signed in the desktop client", "自己签名"), desktop);
        client.send(TAX, PASSWORD, signedByClient);

        byte[] raw = fetchRaw("signed in the desktop client");
        String serial = desktop.certificate().getSerialNumber().toString(16);
        assertThat(header(raw, "X-CivicMail-Signature")).startsWith("valid; signer=\"" + TAX + "\"; serial=" + serial + ";");
        // Not wrapped in a second signature by the server: one multipart/signed (its protocol parameter and its
        // signature part name application/pkcs7-signature once each).
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(text.split("multipart/signed", -1)).hasSize(2);
        assertThat(text.split("application/pkcs7-signature", -1)).hasSize(3);
        assertThat(opensslVerify(raw, "client-signed").exitCode()).isZero();
    }

    /** A second certificate of {@code address} for a desktop client, as the CLI issues it. */
    private SigningCredential desktopCredential(String address, String name) throws Exception {
        Path password = Files.writeString(tmp.resolve(name + ".pw"), name + "-pw-1");
        Path p12 = tmp.resolve(name + ".p12");
        CliResult issued = server.cli(null, "account", "certificate", address, "--p12", p12.toString(), "--p12-password-file", password.toString());
        assertThat(issued.exitCode()).as(issued.err()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, (name + "-pw-1").toCharArray());
        }
        String alias = ks.aliases().nextElement();
        return new SigningCredential(address, (java.security.PrivateKey) ks.getKey(alias, (name + "-pw-1").toCharArray()),
            java.util.Arrays.stream(ks.getCertificateChain(alias)).map(java.security.cert.X509Certificate.class::cast).toList());
    }

    @Test
    void aRevokedCertificateWhoseSignatureCarriesOnlyTheLeafIsReportedRevoked() throws Exception {
        // Attack (issue 11, Why 1): a first message puts the chain in any cache; after the revocation a signature
        // that carries only the leaf (no CA certificate to check the CRL with) must still read revoked.
        SigningCredential leaked = desktopCredential(TAX, "tax-leaked");
        java.util.List<java.security.cert.X509Certificate> leafOnly = java.util.List.of(leaked.certificate());
        injectFromOutside(HandSignedMail.message(TAX, CITIZEN, "leaf-only before revocation").sign(leaked, leaked.chain(), "税款 100 元"));
        assertThat(header(fetchRaw("leaf-only before revocation"), "X-CivicMail-Signature")).startsWith("valid; signer=\"" + TAX + "\"");

        String serial = leaked.certificate().getSerialNumber().toString(16);
        CliResult revoke = server.cli(null, "ca", "revoke", "--serial", "0x" + serial, "--reason", "keyCompromise");
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();

        byte[] forged = HandSignedMail.message(TAX, CITIZEN, "leaf-only after revocation").sign(leaked, leafOnly, "请转账 9000 元");
        injectFromOutside(forged);
        byte[] delivered = fetchRaw("leaf-only after revocation");
        assertThat(header(delivered, "X-CivicMail-Signature"))
            .startsWith("invalid; reason=revoked; signer=\"" + TAX + "\"; serial=" + serial + ";")
            .contains("detail=\"the certificate was revoked on ");
        assertThat(header(delivered, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");

        // openssl agrees once it has what our verifier uses: the CA's own certificates and its CRL.
        byte[] crlDer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("ca-http")
            + "/crl/smime.crl")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        Path crlPem = tmp.resolve("leaf-only.crl.pem");
        assertThat(Openssl.run("crl", "-inform", "DER", "-in", Files.write(tmp.resolve("leaf-only.crl"), crlDer).toString(),
            "-out", crlPem.toString()).exitCode()).isZero();
        Path trust = Files.writeString(tmp.resolve("chain+crl.pem"), httpGet("/ca/chain.pem") + Files.readString(crlPem));
        Openssl.Result withCrl = Openssl.run("smime", "-verify", "-CAfile", trust.toString(), "-crl_check", "-in",
            Files.write(tmp.resolve("leaf-only.eml"), forged).toString(), "-out", tmp.resolve("leaf-only.out").toString());
        assertThat(withCrl.exitCode()).isNotZero();
        assertThat(withCrl.output()).contains("certificate revoked");
    }

    @Test
    void aProtectedNoticeReSentWithNewHeadersIsAHeaderMismatch() throws Exception {
        // Attack (issue 11, Why 2): a delivered signed notice re-sent from outside with a new Subject, To, Date and a
        // Reply-To to the attacker. The signed copy of the header (RFC 9788) shows what the agency wrote.
        SigningCredential desktop = desktopCredential(TAX, "tax-protected");
        injectFromOutside(HandSignedMail.message(TAX, CITIZEN, "protected notice").sign(desktop, desktop.chain(), "请于12月31日前缴纳 120 元"));
        byte[] original = fetchRaw("protected notice");
        assertThat(header(original, "X-CivicMail-Signature"))
            .matches("valid; signer=\"" + Pattern.quote(TAX) + "\"; serial=[0-9a-f]+; signed-at=[^;]+Z");

        String text = new String(original, StandardCharsets.UTF_8);
        int outerEnd = text.indexOf("\r\n\r\n");
        String outer = text.substring(0, outerEnd)
            .replaceFirst("(?m)^Subject: protected notice$", "Subject: resent notice\r\nReply-To: x@evil.example")
            .replaceFirst("(?m)^To: .*$", "To: victim@citizen.hangzhou.example")
            .replaceFirst("(?m)^Date: .*$", "Date: Tue, 1 Dec 2026 08:00:00 +0800");
        byte[] resent = (outer + text.substring(outerEnd)).getBytes(StandardCharsets.UTF_8);
        injectFromOutside(resent);
        byte[] delivered = fetchRaw("resent notice");
        assertThat(header(delivered, "X-CivicMail-Signature"))
            .startsWith("invalid; reason=header-mismatch; header=\"To,Subject,Date,Reply-To\"; signer=\"" + TAX + "\"");
        assertThat(header(delivered, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");
        // openssl judges the signature only: intact. The header comparison is RFC 9788's, which it does not do.
        Openssl.Result openssl = opensslVerify(resent, "resent");
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();
    }

    @Test
    void mailSubmittedByAnOfficialArrivesWithProtectedHeadersAndASubjectChangedOnTheWayIsAHeaderMismatch() throws Exception {
        MimeMessage submitted = client.message(TAX, CITIZEN, "protected submission", "应纳税额=3D1200 元，链接 https://x.example/?a=1&b=20");
        submitted.setReplyTo(new javax.mail.internet.InternetAddress[] {new javax.mail.internet.InternetAddress("help@gov.hangzhou.example")});
        submitted.saveChanges();
        client.send(TAX, PASSWORD, submitted);
        byte[] raw = fetchRaw("protected submission");
        // Signed by the server (SignAsSender) with RFC 9788 header protection; the shared verifier finds it intact.
        String verdict = header(raw, "X-CivicMail-Signature");
        assertThat(verdict).matches("valid; signer=\"" + Pattern.quote(TAX) + "\"; serial=[0-9a-f]+; signed-at=[^;]+Z").doesNotContain("headers=");
        MimeMessage delivered = new MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        javax.mail.internet.MimeBodyPart signedPart = (javax.mail.internet.MimeBodyPart) ((javax.mail.internet.MimeMultipart) delivered.getContent()).getBodyPart(0);
        assertThat(new javax.mail.internet.ContentType(signedPart.getContentType()).getParameter("hp")).isEqualTo("clear");
        for (String field : java.util.List.of("From", "To", "Subject", "Date", "Message-ID", "Reply-To")) {
            assertThat(signedPart.getHeader(field, null)).as(field).isNotNull().isEqualTo(delivered.getHeader(field, null));
        }
        assertThat(new String(signedPart.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("应纳税额=3D1200").contains("&b=20");
        assertThat(opensslVerify(raw, "protected-submission").exitCode()).isZero();

        // Attack (issue 11, Why 2): the delivered mail re-sent from outside under a new Subject.
        injectFromOutside(withSubject(raw, "protected submission", "URGENT: pay today"));
        byte[] resent = fetchRaw("URGENT: pay today");
        assertThat(header(resent, "X-CivicMail-Signature"))
            .startsWith("invalid; reason=header-mismatch; header=\"Subject\"; signer=\"" + TAX + "\"");
        assertThat(header(resent, "X-CivicMail-Warning")).isEqualTo("unsigned-official-sender");
    }
}
