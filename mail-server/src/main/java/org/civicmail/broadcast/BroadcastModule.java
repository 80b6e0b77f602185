package org.civicmail.broadcast;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.civicmail.account.AccountStore;
import org.civicmail.broadcast.delivery.BroadcastDeliveryModule;
import org.civicmail.broadcast.delivery.BroadcastRunner;
import org.civicmail.broadcast.delivery.BroadcastStorage;
import org.civicmail.broadcast.delivery.DeliveryCheck;
import org.civicmail.broadcast.delivery.LiveDeliveryCheck;
import org.civicmail.broadcast.delivery.MessageComposer;
import org.civicmail.broadcast.input.BroadcastPlanner;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.server.CivicDatabase;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.verdict.SignatureVerifier;

/**
 * The broadcast service's parts as Guice bindings, so {@link BroadcastService} only receives them. Binds only: the
 * composition root ({@code CivicMailServer}) starts the service ({@link BroadcastService#start}) and closes it.
 */
public final class BroadcastModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new BroadcastDeliveryModule());
        bind(BroadcastService.class).in(com.google.inject.Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    BroadcastStore store(CivicDatabase db) {
        return new BroadcastStore(db);
    }

    @Provides
    @Singleton
    BroadcastPlanner planner(AccountStore accounts, AccountKeyStore keys) {
        return new BroadcastPlanner(accounts, keys);
    }

    @Provides
    @Singleton
    MessageComposer composer(SmimeSigner signer, CivicMailConfig config) {
        return new MessageComposer(signer, config.hostname());
    }

    /** The shared verifier, judging each copy as it arrives in the mailbox: now. */
    @Provides
    @Singleton
    DeliveryCheck deliveryCheck(CivicDatabase db, AccountStore accounts, CertificateAuthority ca, SignatureVerifier verifier) {
        return new LiveDeliveryCheck(db, accounts, ca, message -> verifier.verify(message, Instant.now()));
    }

    @Provides
    @Singleton
    BroadcastRunner runner(BroadcastStore store, BroadcastStorage storage, MessageComposer composer, AccountStore accounts,
                           BroadcastService.Pools pools, CivicMailConfig config, DeliveryCheck check) {
        return new BroadcastRunner(store, storage, storage.searchIndex(), composer, accounts, pools.workers(),
            config.broadcastBatchSize(), check);
    }

    /** One job thread per running broadcast; the per-recipient work (signing, storing) shares a pool sized for the machine. */
    @Provides
    @Singleton
    BroadcastService.Pools pools() {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        return new BroadcastService.Pools(Executors.newCachedThreadPool(daemon("broadcast-job")),
            Executors.newFixedThreadPool(threads, daemon("broadcast-worker")));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
