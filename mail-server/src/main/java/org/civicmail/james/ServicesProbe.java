package org.civicmail.james;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Inject;
import javax.inject.Provider;

import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.webadmin.WebAdminServer;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.delivery.BroadcastStorage;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.login.AccountSessions;
import org.civicmail.login.FrontEndKey;
import org.civicmail.account.AccountService;
import org.civicmail.account.AccountStore;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerifier;

/**
 * The services of a started server that code outside Guice (the composition root, CLI commands run in the server,
 * tests) may reach: exactly these, each named here, not the injector. Providers, so a service is built when first
 * asked for, as before (WebAdmin's server only when it is enabled). Add a type here when a caller needs it.
 */
public class ServicesProbe implements GuiceProbe {
    private final Map<Class<?>, Provider<?>> services = new LinkedHashMap<>();

    @Inject
    ServicesProbe(Provider<CivicMailConfig> config, Provider<DataDirectory> data, Provider<CivicDatabase> civicDatabase, Provider<JamesDatabase> jamesDatabase,
                  Provider<AccountStore> accountStore, Provider<AccountService> accounts, Provider<AccountSessions> sessions,
                  Provider<AccountKeyStore> accountKeys, Provider<CertificateAuthority> ca, Provider<SmimeSigner> signer,
                  Provider<SignatureVerifier> verifier, Provider<Authorities> authorities, Provider<FrontEndKey> frontEndKey,
                  Provider<BroadcastService> broadcasts, Provider<BroadcastStorage> broadcastStorage,
                  Provider<MailboxManager> mailboxes, Provider<SubscriptionManager> subscriptions,
                  Provider<QuotaManager> quotas, Provider<MaxQuotaManager> maxQuotas, Provider<UserQuotaRootResolver> quotaRoots,
                  Provider<UsersRepository> users, Provider<RecipientRewriteTable> aliases, Provider<SMTPServerFactory> smtp, Provider<IMAPServerFactory> imap,
                  Provider<WebAdminServer> webAdmin, Provider<JamesMailSpooler> spooler,
                  Provider<SpoolQueueFactory> spoolQueues, Provider<MailboxPathLocker> folderLocks) {
        services.put(CivicMailConfig.class, config);
        services.put(DataDirectory.class, data);
        services.put(CivicDatabase.class, civicDatabase);
        services.put(JamesDatabase.class, jamesDatabase);
        services.put(AccountStore.class, accountStore);
        services.put(AccountService.class, accounts);
        services.put(AccountSessions.class, sessions);
        services.put(AccountKeyStore.class, accountKeys);
        services.put(CertificateAuthority.class, ca);
        services.put(SmimeSigner.class, signer);
        services.put(SignatureVerifier.class, verifier);
        services.put(Authorities.class, authorities);
        services.put(FrontEndKey.class, frontEndKey);
        services.put(BroadcastService.class, broadcasts);
        services.put(BroadcastStorage.class, broadcastStorage);
        services.put(MailboxManager.class, mailboxes);
        services.put(SubscriptionManager.class, subscriptions);
        services.put(QuotaManager.class, quotas);
        services.put(MaxQuotaManager.class, maxQuotas);
        services.put(UserQuotaRootResolver.class, quotaRoots);
        services.put(UsersRepository.class, users);
        services.put(RecipientRewriteTable.class, aliases);
        services.put(SMTPServerFactory.class, smtp);
        services.put(IMAPServerFactory.class, imap);
        services.put(WebAdminServer.class, webAdmin);
        services.put(JamesMailSpooler.class, spooler);
        services.put(SpoolQueueFactory.class, spoolQueues);
        services.put(MailboxPathLocker.class, folderLocks);
    }

    public <T> T get(Class<T> type) {
        Provider<?> provider = services.get(type);
        if (provider == null) {
            throw new IllegalArgumentException(type.getName() + " is not one of the services a started server exposes ("
                + services.keySet().stream().map(Class::getSimpleName).toList() + "); add it to ServicesProbe");
        }
        return type.cast(provider.get());
    }
}
