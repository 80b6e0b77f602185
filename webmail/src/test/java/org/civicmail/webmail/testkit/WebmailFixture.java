package org.civicmail.webmail.testkit;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.civicmail.webmail.WebmailMain;
import org.civicmail.webmail.compose.MailSender;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.webmail.web.WebmailServer;

/** GreenMail (IMAP + SMTP on free ports) plus a webmail bound to a free port, wired to a test CA. */
public final class WebmailFixture implements AutoCloseable {

    /** Where "举报" notices go in tests. */
    public static final String REPORT_ADDRESS = "abuse@gov.city.test";

    public final TestPki pki;
    public final GreenMail greenMail;
    public final WebmailServer webmail;
    public final WebmailConfig config;
    public final int port;
    public final Path dir;

    public WebmailFixture(TestPki pki, RevocationSource revocation, Map<String, String> extra) throws Exception {
        this(pki, revocation, extra, null);
    }

    /** @param connector builds the IMAP connector from the final config; {@code null} for the real one */
    public WebmailFixture(TestPki pki, RevocationSource revocation, Map<String, String> extra,
                          java.util.function.Function<WebmailConfig, ImapConnector> connector) throws Exception {
        this.pki = pki;
        ServerSetup[] setups = ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP);
        greenMail = new GreenMail(setups);
        greenMail.start();
        dir = Files.createTempDirectory("webmail-it");
        Path anchor = dir.resolve("root.pem");
        pki.writeRootPem(anchor);
        Properties p = new Properties();
        p.setProperty(WebmailConfig.HTTP_HOST, "127.0.0.1");
        p.setProperty(WebmailConfig.HTTP_PORT, "0");
        p.setProperty(WebmailConfig.IMAP_HOST, "127.0.0.1");
        p.setProperty(WebmailConfig.IMAP_PORT, String.valueOf(greenMail.getImap().getPort()));
        p.setProperty(WebmailConfig.IMAP_TLS, "none");
        p.setProperty(WebmailConfig.SUBMISSION_PORT, String.valueOf(greenMail.getSmtp().getPort()));
        p.setProperty(WebmailConfig.SUBMISSION_STARTTLS, "false");
        p.setProperty(WebmailConfig.TRUST_ANCHOR, anchor.toString());
        p.setProperty(WebmailConfig.PAGE_SIZE, "10");
        p.setProperty(WebmailConfig.OFFICIAL_DOMAIN, "gov.city.test");
        p.setProperty(WebmailConfig.CITY_DOMAINS, "city.test");
        p.setProperty(WebmailConfig.REPORT_ADDRESS, REPORT_ADDRESS);
        Map<String, String> env = new HashMap<>();
        for (var e : extra.entrySet()) {
            if (e.getKey().startsWith("env:")) {
                env.put(e.getKey().substring(4), e.getValue());
            } else {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        config = WebmailConfig.from(p, env, dir);
        webmail = connector == null
                ? WebmailMain.create(config, new org.civicmail.verdict.Authorities(List.of(pki.root), List.of()), revocation, null, Clock.systemUTC())
                : new WebmailServer(config, new org.civicmail.verdict.Authorities(List.of(pki.root), List.of()), revocation, connector.apply(config),
                        new MailSender(config, null), Clock.systemUTC());
        port = webmail.start();
    }

    public WebmailFixture(TestPki pki, RevocationSource revocation) throws Exception {
        this(pki, revocation, Map.of());
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public void user(String email, String password) {
        greenMail.setUser(email, email, password);
    }

    /** Appends messages over IMAP (raw bytes kept exactly), creating the folder if needed. */
    public void append(String user, String password, String folder, boolean seen, MimeMessage... messages) throws Exception {
        GreenMailUser owner = greenMail.getManagers().getUserManager().getUser(user);
        if (owner == null || !owner.getPassword().equals(password)) {
            throw new IllegalArgumentException("no GreenMail user " + user + " with that password; create it with user()");
        }
        store(greenMail, owner, folder, seen, messages);
    }

    /**
     * Stores messages with the internal date "now" through GreenMail's API, not IMAP APPEND: Jakarta Mail sends the
     * Date header as APPEND's date-time and GreenMail 2.1.2 parses it with a 12-hour pattern ("hh"), so a message
     * dated 12:00-12:59 got an internal date 12 hours early, and every signature "arrived" before it was made
     * (malformed) during that hour. Also used by {@code WebmailDemo}.
     */
    public static void store(GreenMail greenMail, GreenMailUser owner, String folder, boolean seen, MimeMessage... messages)
            throws Exception {
        ImapHostManager host = greenMail.getManagers().getImapHostManager();
        MailFolder target = "INBOX".equalsIgnoreCase(folder) ? host.getInbox(owner) : host.getFolder(owner, folder);
        if (target == null) {
            target = host.createMailbox(owner, folder);
        }
        for (MimeMessage m : messages) {
            Flags flags = new Flags();
            if (seen) {
                flags.add(Flags.Flag.SEEN);
            }
            target.appendMessage(m, flags, new java.util.Date());
        }
    }

    /** Appends raw bytes exactly as given (e.g. 8-bit headers), creating the folder if needed. */
    public void appendRaw(String user, String password, String folder, byte[] raw) throws Exception {
        append(user, password, folder, false, TestPki.reparse(raw));
    }

    public Message[] folder(String user, String password, String folder) throws Exception {
        Store store = TestPki.session().getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), user, password);
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        return f.getMessages();
    }

    @Override
    public void close() {
        webmail.stop();
        greenMail.stop();
    }
}
