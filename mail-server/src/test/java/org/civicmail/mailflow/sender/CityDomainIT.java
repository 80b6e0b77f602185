package org.civicmail.mailflow.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Store;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The city's domains are the city's, end to end: unauthenticated mail on the smtp port showing a city sender is
 * refused at DATA with the rule named; the real account still sends through submission; display names that pretend
 * to be an address or a registered organisation arrive flagged, as read over IMAP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CityDomainIT {
    static final String GOV = "gov.hangzhou.example";
    static final String TAX = "tax-bureau@" + GOV;
    static final String CITIZEN = "li.na@citizen.hangzhou.example";
    static final String PASSWORD = "city-domain-pw-1";
    static final String RULE = "city-domain rule, civicmail.inbound.reject-city-from, as DMARC p=reject";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    MailClient client;

    @BeforeAll
    void accounts() throws Exception {
        client = new MailClient(server);
        add("official", TAX, "杭州市税务局", "--agency", "杭州市税务局", "--employee-no", "SW-0001");
        add("citizen", CITIZEN, "李娜", "--id-number", TestIds.residentId("33010519900101002"));
    }

    private void add(String cls, String address, String name, String... identity) throws Exception {
        List<String> args = new ArrayList<>(List.of("account", "add", "--class", cls, "--address", address, "--name", name));
        args.addAll(List.of(identity));
        args.add("--password-stdin");
        CliResult r = server.cli(PASSWORD + "\n", args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** The server's reply to the end of DATA, for a message from outside on the smtp port. */
    private String fromOutside(String headers, String subject) throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO outside.example");
            assertThat(smtp.send("MAIL FROM:<relay@outside.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<" + CITIZEN + ">")).startsWith("250");
            return smtp.data(headers + "\nTo: " + CITIZEN + "\nSubject: " + subject + "\n\nbody of " + subject + "\n");
        }
    }

    /** The raw message with this subject in the citizen's INBOX, once it has arrived. */
    private byte[] delivered(String subject) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> client.inboxSubjects(CITIZEN, PASSWORD).contains(subject));
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
        String[] values = new MimeMessage(null, new java.io.ByteArrayInputStream(raw)).getHeader(name);
        assertThat(values == null ? 0 : values.length).as("number of " + name + " fields").isLessThanOrEqualTo(1);
        return values == null ? null : values[0];
    }

    @Test
    void unauthenticatedMailShowingACitySenderIsRefusedAtDataWithTheRuleNamed() throws Exception {
        assertThat(fromOutside("From: " + TAX, "plain forgery")).isEqualTo("550 5.7.1 From: <" + TAX + "> is in the city domain "
            + GOV + ", and unauthenticated mail may not use the city's domains (" + RULE + "); city mailboxes send through the submission port");
        String encodedDomain = "=?UTF-8?Q?gov.hangzhou.example?=";
        Map<String, String> attacks = new java.util.LinkedHashMap<>();
        // Attack: group syntax hiding the city address.
        attacks.put("group", "From: x:" + TAX + ";");
        // Attack: the city address second in a list.
        attacks.put("list", "From: friend@partner.example, " + TAX);
        // Attack: a second From field that some readers show.
        attacks.put("duplicated", "From: friend@partner.example\nFrom: " + TAX);
        // Attack: an honest From with a city Sender.
        attacks.put("sender", "From: friend@partner.example\nSender: " + TAX);
        // Attack: the domain as an encoded word.
        attacks.put("encoded", "From: tax-bureau@" + encodedDomain);
        // Attack: mixed case.
        attacks.put("case", "From: Tax-Bureau@GOV.Hangzhou.EXAMPLE");
        // Attack: a subdomain of a city domain (refused too: readers cannot tell it from the city's own).
        attacks.put("subdomain", "From: refund@service." + GOV);
        // Attack: the citizen and legal-entity domains are the city's as well.
        attacks.put("citizen-domain", "From: wang.fang@citizen.hangzhou.example");
        attacks.put("legal-entity-domain", "From: \"杭州西湖水务有限公司\" <westlake-water@corp.hangzhou.example>");
        // Attack: an unclosed quote, so that parsers disagree on what is the address.
        attacks.put("unclosed-quote", "From: \"x <" + TAX + ">");
        attacks.forEach((name, headers) -> {
            try {
                assertThat(fromOutside(headers, "forgery " + name)).as(name).startsWith("550 5.7.1 ").contains("is in the city domain")
                    .contains(RULE);
            } catch (Exception e) {
                throw new AssertionError(name, e);
            }
        });
        // A message from outside with an outside sender, sent after them all, arrives; none of the forgeries did.
        assertThat(fromOutside("From: Friend <friend@partner.example>", "after the forgeries")).startsWith("250");
        delivered("after the forgeries");
        assertThat(client.inboxSubjects(CITIZEN, PASSWORD)).noneMatch(s -> s.contains("forgery"));
    }

    @Test
    void theAgencySendsAsItselfThroughSubmissionAndIsNotFlagged() throws Exception {
        MimeMessage m = client.message(TAX, CITIZEN, "个税汇算提醒", "请于12月31日前完成个税汇算。");
        m.setFrom(new InternetAddress(TAX, "杭州市税务局", "UTF-8"));
        m.saveChanges();
        client.send(TAX, PASSWORD, m);
        byte[] raw = delivered("个税汇算提醒");
        assertThat(header(raw, "X-CivicMail-Signature")).startsWith("valid; signer=\"" + TAX + "\"");
        assertThat(header(raw, "X-CivicMail-Warning")).isNull();
    }

    @Test
    void displayNamesPretendingToBeSomeoneElseArriveFlagged() throws Exception {
        // Attack: "tax-bureau@gov.hangzhou.example" <a@evil.example>.
        assertThat(fromOutside("From: \"" + TAX + "\" <a@evil.example>", "address as name")).startsWith("250");
        // Attack: the agency's registered name from a look-alike domain, as an encoded word and as raw UTF-8.
        String encoded = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("杭州市税务局".getBytes(StandardCharsets.UTF_8)) + "?=";
        assertThat(fromOutside("From: " + encoded + " <service@hz-tax-refund.example.net>", "agency name encoded")).startsWith("250");
        assertThat(fromOutside("From: 杭州市税务局 <service@hz-tax-refund.example.net>", "agency name raw")).startsWith("250");
        // Control: an ordinary name.
        assertThat(fromOutside("From: Friend <friend@partner.example>", "ordinary name")).startsWith("250");

        for (String subject : List.of("address as name", "agency name encoded")) {
            byte[] raw = delivered(subject);
            assertThat(header(raw, "X-CivicMail-Warning")).as(subject + " delivered as:\n" + new String(raw, StandardCharsets.UTF_8))
                .isEqualTo("display-name-impersonation");
            assertThat(header(raw, "X-CivicMail-Signature")).as(subject).isEqualTo("none");
        }
        assertThat(header(delivered("ordinary name"), "X-CivicMail-Warning")).isNull();
        // Raw 8-bit header bytes reach the reader as '?' (James writes header fields as ASCII once a mailet changed
        // the message): the name is not what the reader sees, so it impersonates no one. Clients send encoded words.
        assertThat(new MimeMessage(null, new java.io.ByteArrayInputStream(delivered("agency name raw"))).getFrom()[0].toString())
            .doesNotContain("杭州市税务局").endsWith("<service@hz-tax-refund.example.net>");
    }

    @Test
    void aNameRegisteredAMomentAgoIsProtectedAtOnce() throws Exception {
        String name = "杭州新注册科技有限公司";
        String encoded = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
        assertThat(fromOutside("From: " + encoded + " <billing@new-tech.example>", "before registration")).startsWith("250");
        assertThat(header(delivered("before registration"), "X-CivicMail-Warning")).isNull();
        add("legal-entity", "new-tech@corp.hangzhou.example", name, "--credit-code", TestIds.creditCode("91330106MA2B0NEW0"));
        // Attack: impersonating an organisation right after it registered (the name cache must not be stale).
        assertThat(fromOutside("From: " + encoded + " <billing@new-tech.example>", "after registration")).startsWith("250");
        assertThat(header(delivered("after registration"), "X-CivicMail-Warning")).isEqualTo("display-name-impersonation");
    }

    @Test
    void aCitizenCannotBorrowTheAgencysNameEither() throws Exception {
        // Attack: an authenticated citizen, sending as themselves, with the agency's name as display name.
        MimeMessage m = client.message(CITIZEN, CITIZEN, "citizen as agency", "退税链接");
        m.setFrom(new InternetAddress(CITIZEN, "杭州市税务局", "UTF-8"));
        m.saveChanges();
        client.send(CITIZEN, PASSWORD, m);
        assertThat(header(delivered("citizen as agency"), "X-CivicMail-Warning")).isEqualTo("display-name-impersonation");
    }
}
