package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * Stopping the whole system the way an operator does (SIGTERM) and the way a crash does (kill -9): the first must be
 * quiet and complete (no stack trace, no error, the webmail child gone with it), the second must not leave the
 * webmail child running as an orphan that holds its port and the master credential.
 */
class WholeSystemStopIT {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";

    @TempDir
    Path tmp;

    @Test
    void sigtermAfterMailStopsEverythingWithoutErrors() throws Exception {
        try (WholeSystem system = WholeSystem.start(tmp)) {
            ProcessHandle webmail = system.webmailChild();
            int before = inboxCount(system);
            // Traffic first, so the spool's JMS consumers and the IMAP server have work behind them when the stop comes.
            for (int i = 0; i < 10; i++) {
                sendInbound(system.port("smtp"), "stop-test " + i);
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> inboxCount(system) >= before + 10);

            long started = System.nanoTime();
            system.process().destroy();
            assertTrue(system.process().waitFor(30, TimeUnit.SECONDS), "the server did not stop within 30 s of SIGTERM");
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("whole system stop after SIGTERM: %.2f s%n", seconds);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !webmail.isAlive());

            String err = system.stderr();
            String afterStop = err.substring(Math.max(0, err.indexOf("Stopping CivicMail")));
            assertTrue(err.contains("CivicMail stopped"), err);
            assertFalse(afterStop.contains("Exception"), "a stack trace during the stop:\n" + afterStop);
            assertFalse(afterStop.matches("(?s).*\\b(ERROR|WARN)\\b.*"), "errors or warnings during the stop:\n" + afterStop);
            assertFalse(err.contains("IllegalThreadStateException"), err);
        }
    }

    @Test
    void theWebmailChildExitsWhenTheServerIsKilled() throws Exception {
        try (WholeSystem system = WholeSystem.start(tmp)) {
            ProcessHandle webmail = system.webmailChild();
            // kill -9: no shutdown hook runs in the parent; only the closed pipe tells the child.
            system.process().destroyForcibly();
            assertTrue(system.process().waitFor(30, TimeUnit.SECONDS));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !webmail.isAlive());
        }
    }

    private static int inboxCount(WholeSystem system) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.ssl.trust", "*");
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect("127.0.0.1", system.port("imaps"), CITIZEN, system.password(CITIZEN));
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int count = inbox.getMessageCount();
            inbox.close(false);
            return count;
        } finally {
            store.close();
        }
    }

    /** Plain inbound SMTP from outside the city, as another mail server would deliver. */
    private static void sendInbound(int port, String subject) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][] {
                {"EHLO peer.example", "250"}, {"MAIL FROM:<sender@peer.example>", "250"},
                {"RCPT TO:<" + CITIZEN + ">", "250"}, {"DATA", "354"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, step[1]);
            }
            String message = "From: sender@peer.example\r\nTo: " + CITIZEN + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@peer.example>\r\n\r\nhello\r\n.\r\n";
            out.write(message.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, "250");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void expect(BufferedReader in, String code) throws Exception {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("connection closed while waiting for " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertEquals(code, line.substring(0, 3), line);
    }
}
