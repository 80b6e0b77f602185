package org.civicmail.testkit;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.FetchProfile;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.civicmail.tls.TlsKeyStore;

/** A plain javax.mail client of a forked server: submission with STARTTLS + AUTH, IMAP with STARTTLS. */
public final class MailClient {
    private final RunningServer server;
    private final SSLSocketFactory tls;

    public MailClient(RunningServer server) throws Exception {
        this.server = server;
        this.tls = trusting(server.data());
    }

    /** Trusts only the server's CA root (the last certificate of the chain the listeners present). */
    public static SSLSocketFactory trusting(Path data) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        java.security.cert.X509Certificate[] chain = new TlsKeyStore(data.resolve("keys")).chain();
        trust.setCertificateEntry("civicmail-root", chain[chain.length - 1]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    public Session smtpSession() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.port("submission")));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", tls);
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        return Session.getInstance(p);
    }

    public MimeMessage message(String from, String to, String subject, String body) throws MessagingException {
        MimeMessage m = new MimeMessage(smtpSession());
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setText(body, "UTF-8");
        m.saveChanges();
        return m;
    }

    /** Submits as {@code user}; throws if the server refuses. */
    public void send(String user, String password, MimeMessage message) throws MessagingException {
        try (Transport t = smtpSession().getTransport("smtp")) {
            t.connect(user, password);
            t.sendMessage(message, message.getAllRecipients());
        }
    }

    /** Something that talks to the server and is expected to be refused. */
    public interface Refused {
        void run() throws Exception;
    }

    /** All the server's reply texts in a refusal (javax.mail nests per-recipient replies in "next" exceptions). */
    public static String refusal(Refused action) {
        try {
            action.run();
        } catch (Exception e) {
            StringBuilder all = new StringBuilder();
            Exception current = e;
            while (current != null) {
                all.append(current.getMessage()).append('\n');
                current = current instanceof MessagingException me ? me.getNextException() : null;
            }
            return all.toString();
        }
        throw new AssertionError("expected the server to refuse, but it accepted");
    }

    public Store imap(String user, String password) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(server.port("imap")));
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", tls);
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "30000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect(user, password);
        return store;
    }

    public Store imaps(String user, String password) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imaps.host", "127.0.0.1");
        p.put("mail.imaps.port", String.valueOf(server.port("imaps")));
        p.put("mail.imaps.ssl.socketFactory", tls);
        p.put("mail.imaps.ssl.socketFactory.fallback", "false");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect(user, password);
        return store;
    }

    /**
     * Subjects in the INBOX, oldest first. Envelopes come in one FETCH; a FETCH that races a delivery arriving at
     * the same moment (James then answers "Invalid messageset") is simply asked again on a new connection.
     */
    public List<String> inboxSubjects(String user, String password) throws MessagingException {
        for (int attempt = 1; ; attempt++) {
            try (Store store = imap(user, password)) {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Message[] messages = inbox.getMessages();
                FetchProfile envelope = new FetchProfile();
                envelope.add(FetchProfile.Item.ENVELOPE);
                inbox.fetch(messages, envelope);
                List<String> subjects = new ArrayList<>();
                for (Message m : messages) {
                    subjects.add(m.getSubject());
                }
                inbox.close(false);
                return subjects;
            } catch (MessagingException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Invalid messageset")) {
                    throw e;
                }
            }
        }
    }
}
