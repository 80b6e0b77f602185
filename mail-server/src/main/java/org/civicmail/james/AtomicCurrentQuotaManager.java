package org.civicmail.james;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.CurrentQuotas;
import org.apache.james.mailbox.model.QuotaOperation;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.CurrentQuotaManager;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Current quota usage in James's table JAMES_QUOTA_CURRENTQUOTA, changed atomically: {@code UPDATE ... SET COUNT =
 * COUNT + n}, inserting the row on first use. James 3.8.1's {@code JpaCurrentQuotaManager} reads the row and merges
 * an absolute value back, so two concurrent changes (an IMAP APPEND and an LMTP delivery, or James and the broadcast
 * writer, which adds to the same row inside its batch transaction) could lose one of them. Same table and meaning,
 * so usage written by either version reads the same.
 */
public class AtomicCurrentQuotaManager implements CurrentQuotaManager {
    /** Deadlock, lock timeout, or a concurrent first insert of the same row: run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40XL1", "23505");
    private static final int ATTEMPTS = 5;

    private final JamesDatabase james;

    @Inject
    public AtomicCurrentQuotaManager(JamesDatabase james) {
        this.james = james;
    }

    @Override
    public Mono<QuotaCountUsage> getCurrentMessageCount(QuotaRoot quotaRoot) {
        return getCurrentQuotas(quotaRoot).map(CurrentQuotas::count);
    }

    @Override
    public Mono<QuotaSizeUsage> getCurrentStorage(QuotaRoot quotaRoot) {
        return getCurrentQuotas(quotaRoot).map(CurrentQuotas::size);
    }

    @Override
    public Mono<CurrentQuotas> getCurrentQuotas(QuotaRoot quotaRoot) {
        return Mono.fromCallable(() -> read(quotaRoot.getValue()).orElse(CurrentQuotas.emptyQuotas()))
            .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> increase(QuotaOperation operation) {
        return change(operation, 1);
    }

    @Override
    public Mono<Void> decrease(QuotaOperation operation) {
        return change(operation, -1);
    }

    @Override
    public Mono<Void> setCurrentQuotas(QuotaOperation operation) {
        return Mono.<Void>fromRunnable(() -> write(operation.quotaRoot().getValue(), operation.count().asLong(),
            operation.size().asLong(), false)).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> change(QuotaOperation operation, int sign) {
        return Mono.<Void>fromRunnable(() -> write(operation.quotaRoot().getValue(), sign * operation.count().asLong(),
            sign * operation.size().asLong(), true)).subscribeOn(Schedulers.boundedElastic());
    }

    private Optional<CurrentQuotas> read(String root) throws SQLException {
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(CURRENTQUOTA_MESSAGECOUNT, 0), COALESCE(CURRENTQUOTA_SIZE, 0) "
                 + "FROM JAMES_QUOTA_CURRENTQUOTA WHERE CURRENTQUOTA_QUOTAROOT = ?")) {
            ps.setString(1, root);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                    ? Optional.of(new CurrentQuotas(QuotaCountUsage.count(rs.getLong(1)), QuotaSizeUsage.size(rs.getLong(2))))
                    : Optional.empty();
            }
        }
    }

    /** Adds to ({@code relative}) or sets the row's count and size, creating it when missing. */
    private void write(String root, long count, long size, boolean relative) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                tryWrite(root, count, size, relative);
                return;
            } catch (SQLException e) {
                last = e;
                if (!RETRYABLE.contains(e.getSQLState())) {
                    break;
                }
            }
        }
        throw new IllegalStateException("cannot update the current quota of " + root + ": " + last.getMessage(), last);
    }

    private void tryWrite(String root, long count, long size, boolean relative) throws SQLException {
        String set = relative
            ? "CURRENTQUOTA_MESSAGECOUNT = COALESCE(CURRENTQUOTA_MESSAGECOUNT, 0) + ?, CURRENTQUOTA_SIZE = COALESCE(CURRENTQUOTA_SIZE, 0) + ?"
            : "CURRENTQUOTA_MESSAGECOUNT = ?, CURRENTQUOTA_SIZE = ?";
        try (Connection c = james.connection();
             PreparedStatement update = c.prepareStatement("UPDATE JAMES_QUOTA_CURRENTQUOTA SET " + set + " WHERE CURRENTQUOTA_QUOTAROOT = ?")) {
            update.setLong(1, count);
            update.setLong(2, size);
            update.setString(3, root);
            if (update.executeUpdate() == 1) {
                return;
            }
            // First use of this quota root: a concurrent first insert fails on the key (23505) and runs again as an update.
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO JAMES_QUOTA_CURRENTQUOTA (CURRENTQUOTA_QUOTAROOT, "
                + "CURRENTQUOTA_MESSAGECOUNT, CURRENTQUOTA_SIZE) VALUES (?, ?, ?)")) {
                insert.setString(1, root);
                insert.setLong(2, count);
                insert.setLong(3, size);
                insert.executeUpdate();
            }
        }
    }
}
