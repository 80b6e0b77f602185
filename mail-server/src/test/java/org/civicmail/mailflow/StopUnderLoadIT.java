package org.civicmail.mailflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.SmtpDialog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while mail is arriving (issue 14, point 4): the server stops promptly, says nothing alarming in its log, and
 * every message it answered {@code 250} for is in the mailbox after the restart. Inbound mail from outside the city,
 * several sessions at a time, still sending when the signal comes.
 */
class StopUnderLoadIT {
    static final String READER = "zhou.lan@citizen.hangzhou.example";
    static final String PASSWORD = "stop-under-load-1";
    static final int SENDERS = 4;
    static final int PER_SESSION = 10;
    /** Bounded load: a sender gives up after this many sessions even if the server never stops. */
    static final int MAX_SESSIONS = 100;
    /**
     * Generous on purpose: CI machines are shared and slow. The target (5 s) and the figure measured on this machine are
     * the benchmark's and README's; this bound catches a stop that waits out a timeout (James's 5 s spooler wait and
     * Netty's 15 s shutdown limit both fit inside it only together with a quiet machine).
     */
    static final Duration STOP_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void sigtermDuringInboundLoadStopsCleanlyAndLosesNothingAccepted() throws Exception {
        ForkedServer server = ForkedServer.start(tmp.resolve("data"));
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean serverGone = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        try {
            assertThat(server.cli(PASSWORD, "account", "add", "--class", "citizen", "--address", READER, "--name", "周兰",
                "--id-number", MailServerIT.id("33010619770707007"), "--password-stdin").exitCode()).isZero();
            int smtp = server.port("smtp");
            for (int t = 0; t < SENDERS; t++) {
                int sender = t;
                Thread thread = new Thread(() -> sendUntilRefused(smtp, sender, attempted, accepted, serverGone), "load-" + t);
                thread.start();
                senders.add(thread);
            }
            // The signal comes while the senders are in their sessions, after the spool has had mail to deliver.
            await().atMost(Duration.ofSeconds(120)).until(() -> accepted.size() >= 40);

            int acceptedBefore = accepted.size();
            long started = System.nanoTime();
            int exit = server.stop();
            double seconds = (System.nanoTime() - started) / 1e9;
            serverGone.set(true);
            for (Thread thread : senders) {
                thread.join(Duration.ofSeconds(60).toMillis());
            }
            System.out.printf("stop under inbound load after SIGTERM: %.2f s (%d accepted before the signal, %d in all)%n",
                seconds, acceptedBefore, accepted.size());
            assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(seconds).as("seconds from SIGTERM to exit").isLessThan(STOP_BOUND.toSeconds());

            // The process has exited; its last lines may still be in the pipe to our reader.
            server.awaitOutput(l -> l.contains("CivicMail stopped"), Duration.ofSeconds(30));
            List<String> output = server.output();
            int stopping = indexOf(output, "Stopping CivicMail");
            assertThat(stopping).as("the stop was logged").isNotNegative();
            List<String> duringStop = output.subList(stopping, output.size());
            assertThat(duringStop).as("the stop finished").anyMatch(l -> l.contains("CivicMail stopped"));
            assertThat(duringStop).as("stack traces during the stop").noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
            assertThat(duringStop).as("errors or warnings during the stop").noneMatch(l -> l.matches(".*\\b(ERROR|WARN)\\b.*"));

        } finally {
            serverGone.set(true);
            server.close();
        }
        // The next start (in the test's JVM: what it finds in the data directory is not about the process).
        try (CivicMailExtension restarted = CivicMailExtension.startedAfter(server, getClass())) {
            MailClient client = new MailClient(restarted);
            // Every 250 is a promise: after the restart each of those messages is in the mailbox. A message whose 250
            // the stop cut off may arrive as well (RFC 5321 section 6.1: at least once), nothing that was never sent.
            await().atMost(Duration.ofSeconds(120)).until(() -> new HashSet<>(client.inboxSubjects(READER, PASSWORD)).containsAll(accepted));
            Set<String> inbox = new HashSet<>(client.inboxSubjects(READER, PASSWORD));
            assertThat(inbox).containsAll(accepted);
            assertThat(attempted).containsAll(inbox);
        }
    }

    /** Sessions of {@link #PER_SESSION} messages until the server refuses or closes, or the test says it is gone. */
    private static void sendUntilRefused(int port, int sender, Set<String> attempted, Set<String> accepted, AtomicBoolean serverGone) {
        for (int session = 0; session < MAX_SESSIONS && !serverGone.get(); session++) {
            try (SmtpDialog smtp = new SmtpDialog(port)) {
                if (!smtp.greeting().startsWith("220") || !smtp.send("EHLO peer.example").startsWith("250")) {
                    return;
                }
                for (int i = 0; i < PER_SESSION; i++) {
                    String subject = "load " + sender + "-" + session + "-" + i;
                    if (!smtp.send("MAIL FROM:<notices@peer.example>").startsWith("250")
                        || !smtp.send("RCPT TO:<" + READER + ">").startsWith("250")) {
                        return;
                    }
                    attempted.add(subject);
                    String reply = smtp.data("From: notices@peer.example\nTo: " + READER + "\nSubject: " + subject
                        + "\nMessage-ID: <" + subject.replace(' ', '.') + "@peer.example>\n\n" + "x".repeat(1000) + "\n");
                    if (!reply.startsWith("250")) {
                        return;
                    }
                    accepted.add(subject);
                }
                smtp.send("QUIT");
            } catch (IOException closedByTheStop) {
                // The server went away mid-session: whatever got no 250 is the sender's to retry.
                return;
            }
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
