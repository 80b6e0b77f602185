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
    DerbyCertificateStore store;
    AuditLog log;

    @BeforeEach
    void open() {
        store = new DerbyCertificateStore(TestCa.memoryDataSource());
        log = new AuditLog(dir.resolve("audit.log"), store, Clock.systemUTC(), "tester");
        log.append("issue", "serial=01 account=a@city.example");
        log.append("issue", "serial=02 note=pipe|and\nnewline");
        log.append("revoke", "serial=01 reason=keyCompromise");
    }

    @Test
    void intactChainVerifiesAndSurvivesReopening() {
        assertTrue(log.verify().intact(), log.verify().problems().toString());
        AuditLog reopened = new AuditLog(dir.resolve("audit.log"), store, Clock.systemUTC(), "tester");
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
        assertEquals(List.of("the hash of the last entry 3 differs from the one recorded in the CA database: the log was rewritten"),
                log.verify().problems());
    }

    @Test
    void editInTheMiddleBreaksTheChain() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log.file()));
        lines.set(0, lines.get(0).replace("a@city.example", "b@city.example"));
        Files.write(log.file(), lines);
        assertEquals(List.of("line 1 (entry 1): hash does not match its content: the entry was edited"), log.verify().problems());
    }
}
