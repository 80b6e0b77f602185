package org.civicmail.broadcast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.user.api.UsersRepository;
import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.BroadcastStatus;
import org.civicmail.broadcast.delivery.MessageComposer;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.BroadcastRequest;
import org.civicmail.broadcast.input.DataSource;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountRequest;
import org.civicmail.account.AccountService;
import org.civicmail.account.ResidentIdNumber;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.SecretFiles;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SigningCredential;

/**
 * {@code bench broadcast}: N bench citizens (tagged, created straight in our account table; their mailboxes exist
 * in James's store only, they cannot log in), then a signed notice to all N, personalised signed statements to a
 * share of them, and the stock path (the same signed notice submitted over SMTP to James's inbound listener, one
 * transaction per recipient, through its normal mailet pipeline into INBOX) for comparison. Heap is printed after
 * a full GC before and after.
 */
public final class BroadcastBenchmark {
    /** {@code signingKeys}: one personalised run per key type, each by a bench agency holding such a key. */
    public record Settings(int recipients, int personalised, List<KeyAlgorithm> signingKeys, int stock, Optional<InetSocketAddress> smtp) {
    }

    private final AccountService accounts;
    private final AccountKeyStore keys;
    private final BroadcastService broadcasts;
    private final CivicDatabase db;
    private final MailboxManager mailboxes;
    private final UsersRepository users;
    private final DataDirectory data;
    private final PrintWriter out;

    public BroadcastBenchmark(AccountService accounts, AccountKeyStore keys, BroadcastService broadcasts, CivicDatabase db,
                              MailboxManager mailboxes, UsersRepository users, DataDirectory data, PrintWriter out) {
        this.data = data;
        this.accounts = accounts;
        this.keys = keys;
        this.broadcasts = broadcasts;
        this.db = db;
        this.mailboxes = mailboxes;
        this.users = users;
        this.out = out;
    }

    public void run(Settings s) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        String tag = "bench-" + run;
        String agency = agency(KeyAlgorithm.EC_P256);
        SigningCredential credential = keys.usable(agency).orElseThrow();
        out.printf("bench broadcast: run %s, %d recipient(s), agency %s (%s key), %d CPU(s), max heap %d MiB%n", run, s.recipients(), agency,
            describe(credential.privateKey()), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        // No list of the citizens is kept: the notice's audience is the tag, streamed; the personalised run's data file
        // is written to disk row by row and the stock run's addresses are made when it starts (Citizens.address).
        Citizens citizens = citizens(run, tag, s.recipients());
        out.printf("heap before: %d MiB, data directory %,d MiB%n", heapMiB(), dataMiB());

        String template = "Subject: 2026年度西湖区供水价格调整通知 (bench " + run + ")\n\n尊敬的市民：\n根据杭州市物价局批复，自2026年1月1日起居民生活用水价格调整为每立方米2.9元。\n特此通知。\n";
        long t0 = System.nanoTime();
        BroadcastPlan notice = broadcasts.plan(new BroadcastRequest(agency, BroadcastKind.POLICY_NOTICE, "notice.txt",
            template.getBytes(StandardCharsets.UTF_8), null, null, null, null, Optional.empty(), Optional.of("tag:" + tag), Optional.empty(), "bench"));
        long tPlanned = System.nanoTime();
        String noticeId = broadcasts.submit(notice);
        notice = null;
        long tStored = System.nanoTime();
        wait(noticeId);
        long t1 = System.nanoTime();
        report("notice (sign once, store directly)", noticeId, s.recipients(), t0, tPlanned, tStored, t1);
        awaitSearchIndex();
        out.printf("heap after notice: %d MiB, data directory %,d MiB%n", heapMiB(), dataMiB());

        int m = Math.min(s.personalised(), s.recipients());
        if (m > 0) {
            // On disk, as `broadcast send --data FILE` reads it: held in the heap being measured, a data file of 100,000
            // rows (its text and bytes, ~20 MB) and the list of its addresses took the live heap to ~100 MiB of the
            // launcher's 144, and full collections ran back to back (personalised 100,000: ~165 messages/s).
            Path csv = data.root().resolve("bench-bills-" + run + ".csv");
            try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                w.write("address,name,amount,period\n");
                for (int i = 0; i < m; i++) {
                    w.write(citizens.address(i) + ",市民" + i + "," + String.format("%d.%02d", 20 + i % 300, i % 100) + ",2026-11\n");
                }
            }
            String bill = "Subject: {{period}} 水费账单\n\n{{name}}，您好：\n您{{period}}的水费为 {{amount}} 元，请于月底前缴纳。\n";
            for (KeyAlgorithm key : s.signingKeys()) {
                String biller = agency(key);
                String keyName = describe(keys.usable(biller).orElseThrow().privateKey());
                t0 = System.nanoTime();
                BroadcastPlan plan = broadcasts.plan(new BroadcastRequest(biller, BroadcastKind.UTILITY_BILL, "bill.txt",
                    bill.getBytes(StandardCharsets.UTF_8), null, null, "bills.csv", DataSource.of(csv),
                    Optional.empty(), Optional.empty(), Optional.empty(), "bench"));
                tPlanned = System.nanoTime();
                String billId = broadcasts.submit(plan);
                plan = null;
                tStored = System.nanoTime();
                wait(billId);
                t1 = System.nanoTime();
                report("personalised bills (signed one by one, " + keyName + ")", billId, m, t0, tPlanned, tStored, t1);
                awaitSearchIndex();
                out.printf("heap after personalised: %d MiB%n", heapMiB());
            }
            Files.delete(csv);
        }

        int k = Math.min(s.stock(), s.recipients());
        if (k > 0 && s.smtp().isPresent()) {
            List<String> addresses = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                addresses.add(citizens.address(i));
            }
            stock(s.smtp().get(), credential, addresses, run);
        } else if (k > 0) {
            out.println("stock path: skipped (needs a running server: start it, then run the bench again)");
        }
        out.printf("heap at end: %d MiB%n", heapMiB());
    }

    /**
     * Broadcast messages are indexed as part of their delivery, so nothing should be left; journal rows of an older
     * version's broadcasts are indexed by SearchIndexCatchUp: prints how long that takes, so that the next
     * measurement starts on a quiet machine.
     */
    private void awaitSearchIndex() throws InterruptedException {
        long t0 = System.nanoTime();
        long backlog = broadcasts.searchIndexBacklog();
        long deadline = t0 + 900_000_000_000L;
        while (broadcasts.searchIndexBacklog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long left = broadcasts.searchIndexBacklog();
        if (backlog == 0) {
            out.println("search index: nothing left to index after the broadcast (indexed as part of delivery)");
        } else {
            out.printf("search index: %,d message(s) left after the broadcast, indexed in %.1f s = %,.0f messages/s%s%n", backlog - left,
                seconds, (backlog - left) / Math.max(seconds, 0.001), left > 0 ? " (" + left + " still waiting: gave up)" : "");
        }
        out.flush();
    }

    /** Times from the request: t0, validated (audience resolved, rows checked), job stored, every recipient done. */
    private void report(String what, String id, int n, long t0, long tPlanned, long tStored, long t1) {
        BroadcastStatus status = broadcasts.requireStatus(id);
        double seconds = (t1 - t0) / 1e9;
        out.printf("%s: %,d delivered, %d failed in %.1f s = %,.0f messages/s (validate %.1f s, store job %.1f s, deliver %.1f s) [%s]%n",
            what, status.counts().delivered(), status.counts().failed(), seconds, n / seconds, (tPlanned - t0) / 1e9,
            (tStored - tPlanned) / 1e9, (t1 - tStored) / 1e9, id);
        out.flush();
    }

    private void wait(String id) throws Exception {
        Future<?> f = broadcasts.running(id).orElseThrow();
        f.get();
    }

    /** The bench agency whose signing key is of the given type (created on first use). */
    private String agency(KeyAlgorithm key) {
        String local = key == KeyAlgorithm.EC_P256 ? "bench-agency" : "bench-agency-" + key.cliName().replace("-", "");
        String address = local + "@" + accounts.domains().domainOf(AccountClass.OFFICIAL);
        if (accounts.store().find(address).isEmpty()) {
            AccountRequest r = AccountRequest.of("official", address, "基准测试局");
            r.agency = "基准测试局";
            r.employeeNo = "BENCH-" + key.cliName();
            r.mayBroadcast = true;
            r.signingKey = key.cliName();
            char[] password = new char[16];
            java.util.Arrays.fill(password, 'b');
            accounts.create(r, password);
        }
        return address;
    }

    /**
     * One citizen of the audience who can log in (a real account, with a password), for the latency of opening the
     * notice folder once the data directory is populated (bench/scripts/broadcast-scale.sh): its address and
     * password go to {@code DATA/bench-probe.txt}, owner-only, not to the output.
     */
    private String probeCitizen(String run, String tag) throws Exception {
        String domain = accounts.domains().domainOf(AccountClass.CITIZEN);
        String address = "bench-" + run + "-probe@" + domain;
        AccountRequest r = AccountRequest.of("citizen", address, "基准测试市民");
        r.idNumber = ResidentIdNumber.withCheckCharacter("33010619800101" + String.format("%03d", Math.floorMod(run.hashCode(), 1000)));
        r.tags = tag;
        String password = "bench-probe-" + run + "-" + Long.toString(System.nanoTime(), 36);
        accounts.create(r, password.toCharArray());
        SecretFiles.write(data.root().resolve("bench-probe.txt"), (address + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8));
        return address;
    }

    /** Size on disk of the whole data directory (Derby databases, search index, keys, logs). */
    private long dataMiB() throws IOException {
        try (Stream<Path> files = Files.walk(data.root())) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a file removed while walking (a Derby log file recycled): not there any more
                }
            }).sum() >> 20;
        }
    }

    /**
     * The bench's {@code count} citizens by number: {@code bench-RUN-i@DOMAIN} for all but the last, the probe citizen
     * last. Only the rule is held (the bench must not hold a million addresses in the heap it measures).
     */
    private record Citizens(String run, String domain, int count, String probe) {
        String address(int i) {
            return i < count - 1 ? "bench-" + run + "-" + i + "@" + domain : probe;
        }
    }

    /**
     * {@code n} citizens: bench citizens in our account table (batched commits; no James user, so the stock path adds
     * its own), and last the probe citizen.
     */
    private Citizens citizens(String run, String tag, int n) throws Exception {
        long t0 = System.nanoTime();
        String domain = accounts.domains().domainOf(AccountClass.CITIZEN);
        Citizens citizens = new Citizens(run, domain, n, null);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < n - 1; i++) {
                accounts.store().insert(c, new Account(citizens.address(i), AccountClass.CITIZEN, "Bench " + i, Optional.empty(), List.of(tag),
                    Optional.empty(), Optional.empty(), Optional.empty(), false, false));
                if (i % 5000 == 4999) {
                    c.commit();
                }
            }
            c.commit();
        }
        String probe = probeCitizen(run, tag);
        out.printf("created %,d bench citizens tagged %s in %.1f s%n", n, tag, (System.nanoTime() - t0) / 1e9);
        return new Citizens(run, domain, n, probe);
    }

    private void stock(InetSocketAddress smtp, SigningCredential credential, List<String> recipients, String run) throws Exception {
        for (String r : recipients) {
            if (!users.contains(Username.of(r))) {
                users.addUser(Username.of(r), "bench-password-" + run);
            }
        }
        MessageComposer composer = broadcasts.composer();
        // From outside the city: unauthenticated mail showing a city sender is refused at DATA
        // (civicmail.inbound.reject-city-from). The verifier still does all its work; its From check comes last.
        byte[] signed = composer.signNotice("stock-" + run, BroadcastKind.POLICY_NOTICE, new MessageComposer.Content("bench-stock@outside.example", "基准测试局",
            "stock path " + run, "同一份通知，经 SMTP 投递。\n", null, null, null), credential, new Date());
        long t0 = System.nanoTime();
        try (Socket socket = new Socket(smtp.getAddress(), smtp.getPort())) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream o = socket.getOutputStream();
            reply(in);
            command(o, in, "EHLO bench.example");
            for (String r : recipients) {
                command(o, in, "MAIL FROM:<bench@outside.example>");
                command(o, in, "RCPT TO:<" + r + ">");
                command(o, in, "DATA");
                byte[] message = MessageComposer.addressed(signed, r, composer.messageId("stock-" + run, r));
                String text = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..");
                o.write(text.getBytes(StandardCharsets.ISO_8859_1));
                command(o, in, "\r\n.");
            }
            command(o, in, "QUIT");
        }
        long accepted = System.nanoTime();
        LongSupplier delivered = () -> recipients.stream().filter(this::hasInboxMessage).count();
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (delivered.getAsLong() < recipients.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        long t1 = System.nanoTime();
        out.printf("stock path (SMTP + James mailet pipeline): %,d messages accepted in %.1f s, all in INBOX after %.1f s = %,.0f messages/s%n",
            recipients.size(), (accepted - t0) / 1e9, (t1 - t0) / 1e9, recipients.size() / ((t1 - t0) / 1e9));
    }

    private boolean hasInboxMessage(String address) {
        MailboxSession session = mailboxes.createSystemSession(Username.of(address));
        try {
            return mailboxes.getMailbox(MailboxPath.inbox(session), session).getMessageCount(session) > 0;
        } catch (MailboxNotFoundException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            mailboxes.endProcessingRequest(session);
        }
    }

    private static void command(OutputStream o, BufferedReader in, String line) throws Exception {
        o.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        String reply = reply(in);
        if (!reply.startsWith("2") && !reply.startsWith("3")) {
            throw new IllegalStateException("SMTP " + line.trim() + " refused: " + reply);
        }
    }

    private static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("SMTP connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static String describe(PrivateKey key) {
        if (key instanceof RSAKey rsa) {
            return "RSA-" + rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }

    private static long heapMiB() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
