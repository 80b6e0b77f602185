package org.civicmail.login;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.net.ssl.SSLSocketFactory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password guessing against the real server: SMTP AUTH on submission and IMAP LOGIN/AUTHENTICATE share one
 * throttle. Client addresses are loopback aliases (127.0.0.x), each a different client to the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginThrottleIT {
    static final String SMTP_VICTIM = "wang.fang@citizen.hangzhou.example";
    static final String IMAP_VICTIM = "chen.jie@citizen.hangzhou.example";
    static final String PASSWORD = "correct horse 1";
    static final String GUESS = "guess-Xq7-";
    static final Pattern RETRY = Pattern.compile("try again in (\\d+) seconds");

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension()
        .withConfiguration("civicmail.login.free-failures", "3")
        .withConfiguration("civicmail.login.first-delay-seconds", "1")
        .withConfiguration("civicmail.login.max-delay-seconds", "30");
    SSLSocketFactory tls;

    @BeforeAll
    void startServer() throws Exception {
        tls = MailClient.trusting(server.data());
        add(SMTP_VICTIM, "王芳", "11010519491231002");
        add(IMAP_VICTIM, "陈杰", "33010219900307123");
    }

    private void add(String address, String name, String id17) throws Exception {
        CliResult r = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", address,
            "--name", name, "--id-number", TestIds.residentId(id17), "--password-stdin");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void twentyWrongSmtpLoginsGetThrottledRepliesWithGrowingWaitsAndTheOwnerStillGetsIn() throws Exception {
        // The owner's usual client signs in first, from 127.0.0.2.
        assertThat(smtpAuth(SMTP_VICTIM, PASSWORD, "127.0.0.2")).isEqualTo("ok");
        // Attack: 20 password guesses as fast as the server answers, from 127.0.0.1.
        List<String> replies = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            replies.add(smtpAuth(SMTP_VICTIM, GUESS + i, "127.0.0.1"));
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long refused = replies.stream().filter(r -> r.startsWith("535")).count();
        long throttled = replies.stream().filter(r -> r.matches(
            "454 4\\.7\\.0 Too many failed logins for this account or from your address; try again in \\d+ seconds")).count();
        // 3 free failures and the 4th, then one more check per wait of 1, 2, 4, 8... seconds that has passed.
        int mostChecks = 4;
        for (double waited = 1, wait = 1; waited <= elapsed; wait *= 2, waited += wait) {
            mostChecks++;
        }
        assertThat(refused).as("%s in %.1f s", replies, elapsed).isBetween(4L, (long) mostChecks);
        assertThat(throttled).as(replies.toString()).isEqualTo(20 - refused);
        // While throttled, even the right password is not looked at from the guesser's address. The guesses may have
        // ended just as a wait ran out (one check per wait is allowed, and on a fast machine 20 guesses take ~1 s), so
        // first guess on until the server announces a wait of 3 s or more: the check below then falls inside it.
        String announced = "";
        for (int i = 0; i < 500 && !announcesAtLeast(announced, 3); i++) {
            announced = smtpAuth(SMTP_VICTIM, GUESS + "more" + i, "127.0.0.1");
        }
        assertThat(announced).as("a wait of 3 s or more announced").matches("454 4\\.7\\.0 .*try again in ([3-9]|\\d\\d+) seconds");
        assertThat(smtpAuth(SMTP_VICTIM, PASSWORD, "127.0.0.1")).startsWith("454 4.7.0");
        // ...but the owner's address is not held back by someone else's failures.
        assertThat(smtpAuth(SMTP_VICTIM, PASSWORD, "127.0.0.2")).isEqualTo("ok");
        // Every failure is logged with account and client address, never with the password.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output()).anyMatch(l -> l.contains("login refused: protocol=smtp account=" + SMTP_VICTIM
            + " client=127.0.0.1 reason=bad credentials")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output()).anyMatch(l -> l.contains("login refused: protocol=smtp account=" + SMTP_VICTIM
            + " client=127.0.0.1 reason=throttled")));
        assertThat(server.output()).noneMatch(l -> l.contains(GUESS) || l.contains(PASSWORD));
    }

    private static boolean announcesAtLeast(String reply, int seconds) {
        Matcher m = Pattern.compile("^454 4\\.7\\.0 .*try again in (\\d+) seconds").matcher(reply);
        return m.find() && Long.parseLong(m.group(1)) >= seconds;
    }

    @Test
    void imapGuessesWaitLongerAndLongerAndAreLogged() throws Exception {
        // Attack: a patient guesser that waits exactly as long as the server says, over IMAP LOGIN.
        List<Long> announced = new ArrayList<>();
        List<Long> checkedAt = new ArrayList<>();
        for (int guess = 0; guess < 7; guess++) {
            String password = GUESS + guess;
            String reply = imapLogin(IMAP_VICTIM, password, "127.0.0.3", false);
            Matcher m = RETRY.matcher(reply);
            if (m.find()) {
                assertThat(reply).contains("[XTHROTTLED]");
                announced.add(Long.parseLong(m.group(1)));
                // The guesser keeps trying the same guess; the server answers "wait" until the time is up.
                AtomicReference<String> last = new AtomicReference<>();
                await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(15))
                    .until(() -> !last.updateAndGet(x -> imapLogin(IMAP_VICTIM, password, "127.0.0.3", false)).contains("[XTHROTTLED]"));
                reply = last.get();
            }
            checkedAt.add(System.nanoTime() / 1_000_000);
            assertThat(reply).isNotEqualTo("ok").contains("failed");
        }
        // 3 free failures, the 4th, then the password is looked at again only after 1, 2, 4 seconds: each wait
        // twice the one before (less a little for the time the reply took to arrive).
        List<Long> gaps = new ArrayList<>();
        for (int i = 4; i < checkedAt.size(); i++) {
            gaps.add(checkedAt.get(i) - checkedAt.get(i - 1));
        }
        assertThat(gaps.get(0)).as("gaps in ms %s", gaps).isGreaterThanOrEqualTo(1000 - 500);
        assertThat(gaps.get(1)).as("gaps in ms %s", gaps).isGreaterThanOrEqualTo(2000 - 500);
        assertThat(gaps.get(2)).as("gaps in ms %s", gaps).isGreaterThanOrEqualTo(4000 - 500);
        assertThat(announced).as("announced waits").isNotEmpty().allMatch(w -> w >= 1 && w <= 4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output()).anyMatch(l -> l.contains("login refused: protocol=imap account=" + IMAP_VICTIM
            + " client=127.0.0.3 reason=bad credentials")));
        assertThat(server.output()).noneMatch(l -> l.contains(GUESS));
        // AUTHENTICATE PLAIN meets the same throttle as LOGIN, and the right password works from elsewhere.
        assertThat(imapLogin(IMAP_VICTIM, PASSWORD, "127.0.0.3", true)).contains("[XTHROTTLED]");
        await().atMost(Duration.ofSeconds(15))
            .until(() -> imapLogin(IMAP_VICTIM, PASSWORD, "127.0.0.4", true).equals("ok"));
    }

    /** One AUTH PLAIN on a fresh submission connection; "ok" or the server's reply. */
    String smtpAuth(String user, String password, String localAddress) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port("submission")));
        p.put("mail.smtp.localaddress", localAddress);
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.auth.mechanisms", "PLAIN");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", tls);
        try (Transport t = Session.getInstance(p).getTransport("smtp")) {
            t.connect(user, password);
            return "ok";
        } catch (MessagingException e) {
            return String.valueOf(e.getMessage()).trim();
        }
    }

    /** One IMAP login (LOGIN, or AUTHENTICATE PLAIN) on a fresh STARTTLS connection; "ok" or the server's reply. */
    String imapLogin(String user, String password, String localAddress, boolean authenticatePlain) {
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(server.port("imap")));
        p.put("mail.imap.localaddress", localAddress);
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", tls);
        if (authenticatePlain) {
            p.put("mail.imap.auth.mechanisms", "PLAIN");
        } else {
            p.put("mail.imap.auth.plain.disable", "true");
        }
        try (Store s = Session.getInstance(p).getStore("imap")) {
            s.connect(user, password);
            return "ok";
        } catch (MessagingException e) {
            return String.valueOf(e.getMessage()).trim();
        }
    }
}
