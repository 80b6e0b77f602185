package org.civicmail.smime.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.civicmail.ca.PassphraseSource;
import org.civicmail.account.AccountRequest;
import org.civicmail.account.AccountService;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.tls.TlsKeyStore;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SigningCredential;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.smime.MessageBytes;
import org.civicmail.verdict.SignatureVerifier;

/**
 * Measures S/MIME on this machine in a throw-away installation: signatures and verifications per second in
 * process, and signed messages per second end to end (submission over STARTTLS, signing mailet, verification
 * mailet, delivery into the mailbox). Prints numbers; asserts nothing.
 */
public final class SmimeBenchmark {
    private static final String OFFICIAL = "bench-official@gov.hangzhou.example";
    private static final String CITIZEN = "bench-citizen@citizen.hangzhou.example";
    /** Recipients the end-to-end run spreads over: appends to one mailbox are serialised by James's mailbox lock. */
    private static final int RECIPIENTS = 20;
    private static final String PASSWORD = "bench-password-1";

    private final PrintWriter out;
    private final Path confDir;

    public SmimeBenchmark(PrintWriter out, Path confDir) {
        this.out = out;
        this.confDir = confDir;
    }

    public void run(int messages, int connections) throws Exception {
        Path tmp = Files.createTempDirectory("civicmail-smime-bench");
        if (System.getenv(PassphraseSource.ENV_PASSPHRASE) == null && System.getenv(PassphraseSource.ENV_PASSPHRASE_FILE) == null) {
            out.println("note: no CA passphrase in the environment; using a throw-away demo passphrase for the bench data dir");
        }
        // Every listener on a free port: a fixed one may be held by a running server (the bench would not start).
        Map<String, String> ports = Map.of("civicmail.smtp.port", "0", "civicmail.submission.port", "0", "civicmail.imap.port", "0",
            "civicmail.imaps.port", "0", "civicmail.webadmin.port", "0", "civicmail.admin.port", "0", "civicmail.ca.port", "0",
            "civicmail.broadcast.port", "0", "civicmail.webmail.port", "0");
        CivicMailConfig config = CivicMailConfig.load(confDir, ports);
        DataDirectory data = new DataDirectory(tmp.resolve("data"));
        try (CivicMailServer server = CivicMailServer.start(config, data, new StartOptions(true, true))) {
            AccountService accounts = server.service(AccountService.class);
            AccountRequest official = AccountRequest.of("official", OFFICIAL, "Bench Agency");
            official.agency = "Bench Agency";
            official.employeeNo = "B-1";
            accounts.create(official, PASSWORD.toCharArray());
            for (int r = 0; r < RECIPIENTS; r++) {
                AccountRequest citizen = AccountRequest.of("citizen", recipient(r), "Bench Citizen " + r);
                citizen.idNumber = idNumber(r);
                accounts.create(citizen, PASSWORD.toCharArray());
            }

            inProcess(server, Math.max(messages, 500));
            endToEnd(server, data, messages, connections);
        } finally {
            out.flush();
        }
    }

    private void inProcess(CivicMailServer server, int count) throws Exception {
        SigningCredential credential = server.service(AccountKeyStore.class).usable(OFFICIAL).orElseThrow();
        SmimeSigner signer = server.service(SmimeSigner.class);
        SignatureVerifier verifier = server.service(SignatureVerifier.class);
        Session session = Session.getInstance(new Properties());
        MimeMessage template = message(session, 0);
        MimeMessage signed = signer.sign(template, credential);
        for (int i = 0; i < 100; i++) {
            signer.sign(message(session, i), credential);
            verifier.verify(MessageBytes.of(signed), java.time.Instant.now());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            // Written out, as the server does: a signer may compute its signature only when the message is written.
            signer.sign(message(session, i), credential).writeTo(java.io.OutputStream.nullOutputStream());
        }
        double signSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!verifier.verify(MessageBytes.of(signed), java.time.Instant.now()).isValid()) {
                throw new IllegalStateException("benchmark message did not verify");
            }
        }
        double verifySeconds = (System.nanoTime() - t0) / 1e9;
        out.printf("sign (P-256, one thread, in process):      %,8.0f messages/s  (%d in %.2f s)%n", count / signSeconds, count, signSeconds);
        out.printf("verify (chain+revocation, one thread):     %,8.0f messages/s  (%d in %.2f s)%n", count / verifySeconds, count, verifySeconds);
    }

    private void endToEnd(CivicMailServer server, DataDirectory data, int count, int connections) throws Exception {
        SSLSocketFactory tls = trusting(data);
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.listener("submission").port()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", tls);
        Session session = Session.getInstance(p);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            Future<?>[] senders = new Future<?>[connections];
            for (int c = 0; c < connections; c++) {
                senders[c] = pool.submit(() -> {
                    try (Transport t = session.getTransport("smtp")) {
                        t.connect(OFFICIAL, PASSWORD);
                        int i;
                        while ((i = next.getAndIncrement()) < count) {
                            MimeMessage m = message(session, i);
                            t.sendMessage(m, m.getAllRecipients());
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : senders) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double acceptedSeconds = (System.nanoTime() - t0) / 1e9;
        Properties ip = new Properties();
        ip.put("mail.imaps.ssl.socketFactory", tls);
        Session imap = Session.getInstance(ip);
        int delivered = 0;
        while (delivered < count) {
            if ((System.nanoTime() - t0) / 1e9 > 600) {
                throw new IllegalStateException("only " + delivered + " of " + count + " delivered after 10 minutes");
            }
            Thread.sleep(200);
            delivered = 0;
            for (int r = 0; r < RECIPIENTS; r++) {
                try (Store store = imap.getStore("imaps")) {
                    store.connect("127.0.0.1", server.listener("imaps").port(), recipient(r), PASSWORD);
                    delivered += store.getFolder("INBOX").getMessageCount();
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (Store store = imap.getStore("imaps")) {
            store.connect("127.0.0.1", server.listener("imaps").port(), CITIZEN, PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            String verdict = inbox.getMessage(inbox.getMessageCount()).getHeader("X-CivicMail-Signature")[0];
            out.printf("submission -> sign -> verify -> mailbox:   %,8.0f messages/s  (%d to %d mailboxes over %d connections: "
                + "accepted in %.1f s, all delivered in %.1f s)%n", count / seconds, count, RECIPIENTS, connections, acceptedSeconds, seconds);
            out.println("last delivered message: X-CivicMail-Signature: " + verdict);
        }
    }

    private static String recipient(int i) {
        return i == 0 ? CITIZEN : "bench-citizen-" + i + "@citizen.hangzhou.example";
    }

    /** A valid resident ID (GB 11643 check digit) per bench recipient. */
    private static String idNumber(int r) {
        String first17 = String.format("33010619900101%03d", r);
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (int k = 0; k < 17; k++) {
            sum += (first17.charAt(k) - '0') * weights[k];
        }
        return first17 + "10X98765432".charAt(sum % 11);
    }

    private static MimeMessage message(Session session, int i) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(OFFICIAL));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient(i % RECIPIENTS)));
        m.setSubject("关于2026年度社保缴费基数调整的通知 #" + i, "UTF-8");
        m.setText("尊敬的市民：\n\n根据有关规定，2026年度社会保险缴费基数调整如下……（第 " + i + " 号）\n", "UTF-8");
        m.setSentDate(new java.util.Date());
        m.saveChanges();
        return m;
    }

    private static SSLSocketFactory trusting(DataDirectory data) throws Exception {
        X509Certificate[] chain = new TlsKeyStore(data.keys()).chain();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", chain[chain.length - 1]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
