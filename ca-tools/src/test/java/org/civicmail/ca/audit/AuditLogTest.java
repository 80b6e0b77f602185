package org.civicmail.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.civicmail.ca.TestCa;
import org.civicmail.ca.store.DerbyCertificateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;
    javax.sql.DataSource dataSource;
    DerbyCertificateStore store;
    AuditLog log;
    final AuditSeal seal = new AuditSeal(random32());

    @BeforeEach
    void open() {
        dataSource = TestCa.memoryDataSource();
        store = new DerbyCertificateStore(dataSource);
        log = new AuditLog(dir.resolve("audit.log"), store, Clock.systemUTC(), "tester", seal);
        log.append("issue", "serial=01 account=a@city.example");
        log.append("issue", "serial=02 note=pipe|and\nnewline");
        log.append("revoke", "serial=01 reason=keyCompromise");
    }

    @Test
    void intactChainVerifiesAndSurvivesReopening() {
        assertTrue(log.verify().intact(), log.verify().problems().toString());
        AuditLog reopened = new AuditLog(dir.resolve("audit.log"), store, Clock.systemUTC(), "tester", seal);
        assertEquals(4, reopened.append("revoke", "serial=02"));
        assertTrue(reopened.verify().intact(), reopened.verify().problems().toString());
        assertEquals(4, reopened.verify().entries());
    }

    @Test
    void rehashedEditIsCaughtByTheDatabaseHead() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log.file()));
        // an attacker who edits entry 3 and recomputes its hash
        String[] f = lines.get(2).split("\\|", -1);
        f[4] = "serial=01 reason=superseded";
        String body = String.join("|", f[0], f[1], f[2], f[3], f[4], f[5]);
        lines.set(2, body + "|" + AuditLog.sha256(body));
        Files.write(log.file(), lines);
        assertEquals(List.of("line 3 (entry 3) has no seal although earlier entries have: it was written without the CA's key",
                "the last entry 3 carries no valid seal: the log's head was written without the CA's key",
                "the hash of the last entry 3 differs from the one recorded in the CA database: the log was rewritten"),
                log.verify().problems());
    }

    @Test
    void editInTheMiddleBreaksTheChain() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log.file()));
        lines.set(0, lines.get(0).replace("a@city.example", "b@city.example"));
        Files.write(log.file(), lines);
        assertEquals(List.of("line 1 (entry 1): hash does not match its content: the entry was edited"), log.verify().problems());
    }

    // Attack: with write access to the data directory, rewrite every entry with a consistent chain
    // and record the new head in the database; without the key the seals cannot follow.
    @Test
    void aConsistentRewriteOfTheWholeLogAndItsHeadIsDetected() throws Exception {
        AuditSeal attackersKey = new AuditSeal(random32());
        String head = rewriteConsistently(l -> l.replace("keyCompromise", "superseded"), attackersKey);
        forceHead(dataSource, 3, head);
        assertEquals(List.of(
                "line 1 (entry 1): seal does not match: the entry was written or rewritten without the CA's key",
                "line 2 (entry 2): seal does not match: the entry was written or rewritten without the CA's key",
                "line 3 (entry 3): seal does not match: the entry was written or rewritten without the CA's key",
                "the last entry 3 carries no valid seal: the log's head was written without the CA's key"),
                log.verify().problems());
    }

    // Attack: the same rewrite, dropping the seals so the log looks like one from before sealing.
    @Test
    void aRewriteThatDropsTheSealsIsDetected() throws Exception {
        String head = rewriteConsistently(l -> l.replace("keyCompromise", "superseded"), null);
        forceHead(dataSource, 3, head);
        assertEquals(List.of("the last entry 3 carries no valid seal: the log's head was written without the CA's key"),
                log.verify().problems());
    }

    // Attack: delete the log and its head altogether.
    @Test
    void anEmptiedLogIsDetectedWhileTheCaHoldsCertificates() throws Exception {
        try (org.civicmail.ca.TestCa ca = new org.civicmail.ca.TestCa(dir.resolve("real"))) {
            Path file = ca.home.resolve("audit.log");
            Files.write(file, new byte[0]);
            forceHead(ca.dataSource, 0, AuditLog.GENESIS);
            assertEquals(List.of("the log is empty although the CA has issued certificates: it was deleted or replaced"),
                    ca.ca.verifyAuditLog().problems());
        }
    }

    @Test
    void aLogFromBeforeSealingIsSealedOnOpenAndVerifies() throws Exception {
        rewriteConsistently(l -> l, null); // the format an older version wrote: no seal field
        AuditLog reopened = new AuditLog(dir.resolve("audit.log"), store, Clock.systemUTC(), "tester", seal);
        reopened.sealIfUnsealed();
        assertTrue(reopened.verify().intact(), reopened.verify().problems().toString());
        List<String> lines = Files.readAllLines(log.file());
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).contains("|seal-log|entries 1..3 written without seals"), lines.get(3));
        reopened.sealIfUnsealed(); // idempotent
        assertEquals(4, Files.readAllLines(log.file()).size());
    }

    // Attack: roll the log and the database back together to an earlier, genuinely sealed state.
    @Test
    void aRollbackIsDetectedAgainstAnExportedCheckpoint() throws Exception {
        List<String> original = Files.readAllLines(log.file());
        AuditCheckpoint checkpoint = AuditCheckpoint.parse(log.checkpoint().toText(), "checkpoint");
        assertTrue(log.verify(checkpoint).intact(), log.verify(checkpoint).problems().toString());

        Files.write(log.file(), original.subList(0, 2));
        forceHead(dataSource, 2, original.get(1).split("\\|")[6]);
        assertTrue(log.verify().intact(), "without a checkpoint a rollback to a sealed state cannot be seen");
        assertEquals(List.of("the log no longer holds entry 3 of the checkpoint exported at " + checkpoint.time()
                + ": it was truncated or rolled back"), log.verify(checkpoint).problems());
    }

    // Attack: forge a checkpoint that matches a rewritten log.
    @Test
    void aForgedCheckpointIsRefused() {
        AuditCheckpoint real = log.checkpoint();
        AuditCheckpoint forged = new AuditCheckpoint(real.sequence(), "ab".repeat(32), real.time(), real.seal());
        assertEquals(List.of("the checkpoint's seal does not match: it was edited, or it belongs to another CA"),
                log.verify(forged).problems());
    }

    /** Rewrites every line (after {@code edit}) with a recomputed chain; sealed with {@code key} or unsealed. Returns the last hash. */
    private String rewriteConsistently(java.util.function.UnaryOperator<String> edit, AuditSeal key) throws Exception {
        List<String> out = new ArrayList<>();
        String previous = AuditLog.GENESIS;
        for (String line : Files.readAllLines(log.file())) {
            String[] f = line.split("\\|", -1);
            String body = String.join("|", f[0], f[1], f[2], f[3], edit.apply(f[4]), previous);
            previous = AuditLog.sha256(body);
            out.add(body + "|" + previous + (key == null ? "" : "|" + key.entry(Long.parseLong(f[0]), previous)));
        }
        Files.write(log.file(), out);
        return previous;
    }

    /** What an attacker with the database files does: set the recorded head directly. */
    private static void forceHead(javax.sql.DataSource ds, long seq, String hash) throws Exception {
        try (var c = ds.getConnection(); var p = c.prepareStatement("UPDATE CA_AUDIT_HEAD SET SEQ = ?, HASH = ? WHERE ID = 1")) {
            p.setLong(1, seq);
            p.setString(2, hash);
            assertEquals(1, p.executeUpdate());
        }
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }
}
