package org.civicmail.broadcast.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;
import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.input.BroadcastPlan.Recipient;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast's audience is never held whole in memory (issue 13 at a million): the plan of an audience of accounts
 * keeps a count, storing the job streams the recipients into BC_RECIPIENT, and what is stored (total, digest) is
 * what was streamed. Derby on disk, no server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingAudienceTest {
    private static final String TAG = "西湖区";
    private static final int TAGGED = 20_000;
    private static final String DOMAIN = "@citizen.hangzhou.example";
    private static final Account AGENCY = new Account("tax@gov.hangzhou.example", AccountClass.OFFICIAL, "杭州市税务局", Optional.empty(),
        List.of(), Optional.empty(), Optional.of("杭州市税务局"), Optional.of("T-1"), true, false);

    @TempDir
    static Path dir;
    private CivicDatabase db;
    private AccountStore accounts;
    private BroadcastStore broadcasts;

    @BeforeAll
    void accounts() throws Exception {
        db = new CivicDatabase(new DataDirectory(dir));
        accounts = new AccountStore(db);
        broadcasts = new BroadcastStore(db);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < TAGGED; i++) {
                accounts.insert(c, citizen(String.format("c%06d", i), List.of(TAG), false));
            }
            accounts.insert(c, citizen("other-district", List.of("上城区"), false));
            accounts.insert(c, citizen("c-disabled", List.of(TAG), true));
            c.commit();
        }
    }

    private static Account citizen(String local, List<String> tags, boolean disabled) {
        return new Account(local + DOMAIN, AccountClass.CITIZEN, "市民 " + local, Optional.empty(), tags, Optional.empty(),
            Optional.empty(), Optional.empty(), false, disabled);
    }

    @Test
    void aTagAudienceIsCountedWhenPlannedAndReadFromTheAccountsWhenStored() throws Exception {
        AccountAudience audience = new AccountAudience(accounts, AccountClass.CITIZEN, List.of(TAG));
        assertThat(audience.count()).isEqualTo(TAGGED);
        assertThat(audience.first().address()).isEqualTo("c000000" + DOMAIN);
        // Accounts that change after the plan: what is stored is what the account table holds when it is stored.
        try (Connection c = db.connection()) {
            accounts.insert(c, citizen("c-late", List.of(TAG), false));
        }
        String id = "stream-" + System.nanoTime();
        int stored = broadcasts.create(id, plan(audience), "通知", new byte[] {1}, Instant.now());

        assertThat(stored).isEqualTo(TAGGED + 1);
        BroadcastJob job = broadcasts.job(id).orElseThrow();
        assertThat(job.total()).isEqualTo(TAGGED + 1);
        List<String> rows = new ArrayList<>();
        broadcasts.forEachRecipient(id, r -> rows.add(r.address()));
        assertThat(rows).hasSize(TAGGED + 1).isSorted().doesNotContain("c-disabled" + DOMAIN, "other-district" + DOMAIN)
            .contains("c-late" + DOMAIN);
        // The notice's data digest is over the stored addresses, one a line in order (as the evidence states it).
        StringBuilder list = new StringBuilder();
        rows.forEach(a -> list.append(a).append('\n'));
        assertThat(job.dataSha256()).isEqualTo(BroadcastPlanner.sha256(list.toString().getBytes(StandardCharsets.UTF_8)));
        try (Connection c = db.connection()) {
            c.createStatement().executeUpdate("DELETE FROM CM_ACCOUNT WHERE ADDRESS = 'c-late" + DOMAIN + "'");
        }
    }

    @Test
    void aTagWithLikeWildcardsMatchesOnlyItself() throws Exception {
        // Attack: a tag written as a LIKE pattern ('_' any character, '%' any run) would widen a tag audience to
        // accounts tagged otherwise (a notice for "楼_1" reaching "楼A1" and "楼_1x").
        try (Connection c = db.connection()) {
            accounts.insert(c, citizen("w1", List.of("楼_1"), false));
            accounts.insert(c, citizen("w2", List.of("楼A1"), false));
            accounts.insert(c, citizen("w3", List.of("楼_1x"), false));
            accounts.insert(c, citizen("w4", List.of("50%"), false));
            accounts.insert(c, citizen("w5", List.of("5000"), false));
        }
        assertThat(new AccountAudience(accounts, AccountClass.CITIZEN, List.of("楼_1")).count()).isEqualTo(1);
        assertThat(new AccountAudience(accounts, AccountClass.CITIZEN, List.of("楼_1")).first().address()).isEqualTo("w1" + DOMAIN);
        assertThat(new AccountAudience(accounts, AccountClass.CITIZEN, List.of("50%")).count()).isEqualTo(1);
        assertThat(new AccountAudience(accounts, AccountClass.CITIZEN, List.of("50%", "楼A1")).count()).isEqualTo(2);
        try (Connection c = db.connection()) {
            c.createStatement().executeUpdate("DELETE FROM CM_ACCOUNT WHERE ADDRESS LIKE 'w_" + DOMAIN + "'");
        }
    }

    @Test
    void storingAnAudienceKeepsOnlyWhatIsBeingWrittenResident() {
        // Attack: a store that collects the audience (a list, a map of rows) before writing it would need the heap of
        // a million recipients. 200,000 generated recipients, each watched by a weak reference; after a full
        // collection every so often, only those still being written may be alive.
        int n = 200_000;
        List<WeakReference<Recipient>> alive = new ArrayList<>();
        int[] mostAlive = {0};
        Recipients generated = new Recipients() {
            @Override
            public int count() {
                return n;
            }

            @Override
            public Recipient first() {
                return recipient(0);
            }

            @Override
            public void forEach(Consumer<Recipient> each) {
                for (int i = 0; i < n; i++) {
                    Recipient r = recipient(i);
                    alive.add(new WeakReference<>(r));
                    each.accept(r);
                    r = null;
                    if (i % 25_000 == 24_999) {
                        System.gc();
                        alive.removeIf(w -> w.refersTo(null));
                        mostAlive[0] = Math.max(mostAlive[0], alive.size());
                    }
                }
            }

            private Recipient recipient(int i) {
                return new Recipient(String.format("g%07d", i) + DOMAIN, i + 2, Map.of("amount", Integer.toString(i)), Optional.empty());
            }
        };
        String id = "generated-" + System.nanoTime();
        assertThat(broadcasts.create(id, plan(generated), "账单", null, Instant.now())).isEqualTo(n);

        assertThat(mostAlive[0]).as("recipients resident while storing %,d", n).isLessThan(5_000);
        assertThat(broadcasts.counts(id).pending()).isEqualTo(n);
    }

    @Test
    void aDataFileIsValidatedAndStoredByStreamingThroughItWithoutHoldingItsRows() throws Exception {
        StringBuilder csv = new StringBuilder("address,name,amount\n");
        for (int i = 0; i < TAGGED; i++) {
            csv.append(String.format("C%06d", i)).append(DOMAIN).append(",市民").append(i).append(',').append(i).append(".00\n");
        }
        Path file = dir.resolve("bills.csv");
        java.nio.file.Files.writeString(file, csv, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        DataFileRecipients rows = DataFileRecipients.validate("bills.csv", DataSource.of(file), Optional.empty(), bill(), "bill.txt",
            Optional.empty(), accounts, problems);
        assertThat(problems).isEmpty();
        assertThat(rows.count()).isEqualTo(TAGGED);
        assertThat(rows.first()).isEqualTo(new Recipient("c000000" + DOMAIN, 2, Map.of("address", "C000000" + DOMAIN, "name", "市民0",
            "amount", "0.00"), Optional.empty()));
        assertThat(rows.sha256()).isEqualTo(BroadcastPlanner.sha256(java.nio.file.Files.readAllBytes(file)));

        int[] mostAlive = {0};
        String id = "csv-" + System.nanoTime();
        assertThat(broadcasts.create(id, plan(watched(rows, 5_000, mostAlive)), "账单", null, Instant.now())).isEqualTo(TAGGED);
        assertThat(mostAlive[0]).as("rows resident while storing").isLessThan(DataFileRecipients.SLICE + 100);
        List<String> stored = new ArrayList<>();
        broadcasts.forEachRecipient(id, r -> stored.add(r.seq() + " " + r.address() + " " + r.rowNumber()));
        assertThat(stored).hasSize(TAGGED).startsWith("1 c000000" + DOMAIN + " 2").endsWith(TAGGED + " c019999" + DOMAIN + " " + (TAGGED + 1));
    }

    @Test
    void duplicatesAreFoundByRowAcrossTheWholeFileAndCappedProblemsAreCounted() throws Exception {
        StringBuilder csv = new StringBuilder("address,name,amount\n");
        for (int i = 0; i < 3_000; i++) {
            csv.append(String.format("c%06d", i)).append(DOMAIN).append(",n,1\n");
        }
        csv.append("C000007").append(DOMAIN).append(",n,1\n"); // row 3002: the same citizen as row 9, written in capitals
        List<String> problems = new ArrayList<>();
        DataFileRecipients.validate("d.csv", DataSource.of(csv.toString().getBytes(StandardCharsets.UTF_8)),
            Optional.empty(), bill(), "bill.txt", Optional.empty(), accounts, problems);
        assertThat(problems).containsExactly("d.csv row 3002: c000007" + DOMAIN + " already has row 9; one row per recipient");

        StringBuilder unknown = new StringBuilder("address,name,amount\n");
        for (int i = 0; i < 1_500; i++) {
            unknown.append("nobody").append(i).append(DOMAIN).append(",n,1\n");
        }
        problems.clear();
        DataFileRecipients.validate("u.csv", DataSource.of(unknown.toString().getBytes(StandardCharsets.UTF_8)), Optional.empty(), bill(),
            "bill.txt", Optional.empty(), accounts, problems);
        assertThat(problems).hasSize(DataFileRecipients.LISTED_PROBLEMS + 1)
            .startsWith("u.csv row 2: no account 'nobody0" + DOMAIN + "' (unknown recipient)")
            .endsWith("... and 500 more problem(s) not listed");
    }

    @Test
    void aDataFileChangedAfterValidationIsRefusedAndNothingIsStored() throws Exception {
        // Attack: swap the file between validation and storing, to store rows nobody validated.
        Path file = dir.resolve("swap.csv");
        java.nio.file.Files.writeString(file, "address,name,amount\nc000001" + DOMAIN + ",n,1\n", StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        DataFileRecipients rows = DataFileRecipients.validate("swap.csv", DataSource.of(file), Optional.empty(), bill(), "bill.txt",
            Optional.empty(), accounts, problems);
        assertThat(problems).isEmpty();
        java.nio.file.Files.writeString(file, "address,name,amount\nc000002" + DOMAIN + ",n,1\n", StandardCharsets.UTF_8);
        String id = "swap-" + System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broadcasts.create(id, plan(rows), "账单", null, Instant.now()))
            .hasMessageContaining("swap.csv changed after it was validated");
        assertThat(broadcasts.job(id)).isEmpty();
        assertThat(broadcasts.counts(id).total()).isZero();
    }

    @Test
    void seenAddressesTellRepeatsWhateverTheSize() {
        DataFileRecipients.SeenAddresses seen = new DataFileRecipients.SeenAddresses();
        for (int i = 0; i < 300_000; i++) {
            assertThat(seen.add("a" + i + DOMAIN)).isTrue();
        }
        assertThat(seen.add("a123456" + DOMAIN)).isFalse();
        assertThat(seen.add("a299999" + DOMAIN)).isFalse();
        assertThat(seen.add("a300000" + DOMAIN)).isTrue();
    }

    private static Template bill() {
        return Template.parse("bill.txt", "Subject: 水费\n\n{{name}}：{{amount}} 元\n".getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** The recipients as they are, each watched by a weak reference: {@code mostAlive} gets the most not yet collected. */
    private static Recipients watched(Recipients inner, int every, int[] mostAlive) {
        return new Recipients() {
            @Override
            public int count() {
                return inner.count();
            }

            @Override
            public Recipient first() {
                return inner.first();
            }

            @Override
            public void forEach(Consumer<Recipient> each) {
                List<WeakReference<Recipient>> alive = new ArrayList<>();
                int[] n = {0};
                inner.forEach(r -> {
                    alive.add(new WeakReference<>(r));
                    each.accept(r);
                    if (++n[0] % every == 0) {
                        System.gc();
                        alive.removeIf(w -> w.refersTo(null));
                        mostAlive[0] = Math.max(mostAlive[0], alive.size());
                    }
                });
            }
        };
    }

    private static BroadcastPlan plan(Recipients recipients) {
        String template = "Subject: 停水通知\n\n明日检修。\n";
        return new BroadcastPlan(AGENCY, null, BroadcastKind.POLICY_NOTICE,
            Template.parse("t.txt", template.getBytes(StandardCharsets.UTF_8), null, null), template, null, "tag:" + TAG, recipients,
            HexFormat.of().formatHex(new byte[32]), null, null, "test");
    }
}
