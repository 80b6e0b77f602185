package org.civicmail.broadcast.input;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;
import org.civicmail.broadcast.input.BroadcastPlan.Recipient;

/**
 * An audience of accounts (all citizens, all legal entities, citizens with any of some tags), read from the account
 * table as it is walked: only the count is kept, so the plan of a notice to a city holds no list of its people.
 */
public final class AccountAudience implements Recipients {
    private final AccountStore accounts;
    private final AccountClass cls;
    private final List<String> tags;
    private final int count;

    AccountAudience(AccountStore accounts, AccountClass cls, List<String> tags) {
        this.accounts = accounts;
        this.cls = cls;
        this.tags = List.copyOf(tags);
        this.count = accounts.countAddresses(cls, this.tags);
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public Recipient first() {
        return accounts.firstAddress(cls, tags).map(AccountAudience::member).orElseThrow(() -> new IllegalStateException(
            "the audience has no member any more"));
    }

    @Override
    public void forEach(Consumer<Recipient> each) {
        accounts.forEachAddress(cls, tags, address -> each.accept(member(address)));
    }

    private static Recipient member(String address) {
        return new Recipient(address, 0, Map.of(), Optional.empty());
    }
}
