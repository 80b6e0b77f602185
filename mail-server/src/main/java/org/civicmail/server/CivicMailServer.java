package org.civicmail.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.user.api.UsersRepository;
import org.civicmail.admin.AdminServer;
import org.civicmail.admin.AdminToken;
import org.civicmail.login.FrontEndKey;
import org.civicmail.login.LoginPolicy;
import org.civicmail.login.WebmailMasterUser;
import org.civicmail.account.AccountClass;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.config.CivicMailConfig.Listener;
import org.civicmail.config.JamesConfigRenderer;
import org.civicmail.james.JamesDatabase;
import org.civicmail.james.JamesSchemaAdditions;
import org.civicmail.james.ServicesProbe;
import org.civicmail.james.SpoolQueueFactory;
import org.civicmail.ca.CaConfig;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.CityCaRevocation;
import org.civicmail.broadcast.BroadcastModule;
import org.civicmail.mailflow.sender.CityDomains;
import org.civicmail.mailflow.sender.RegisteredNames;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.api.BroadcastApiServer;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.http.CaHttpServer;
import org.civicmail.account.AccountStore;
import org.civicmail.authority.AccountSubjectDirectory;
import org.civicmail.authority.CaPassphrase;
import org.civicmail.tls.TlsCertificateProvisioner;
import org.civicmail.tls.TlsKeyStore;
import org.civicmail.tls.TlsPolicy;
import org.civicmail.tls.TlsRenewal;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.CrlClient;
import org.civicmail.verdict.revocation.OcspClient;
import org.civicmail.verdict.revocation.OnlineRevocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Modules;

/**
 * The composition root: {@link #start} creates every component of a running CivicMail, in this order, and
 * {@link #close} closes them in reverse, each close isolated ({@link Closer}); a start that fails closes what it had
 * opened. Reading {@code start} tells what runs:
 * <ol>
 * <li>data directory and Derby's settings;</li>
 * <li>our database (accounts; each store migrates its schema) and James's;</li>
 * <li>the CA (its HTTP socket is bound first, so its URL in certificates is the real port) and account keys;</li>
 * <li>the verifier's trust anchors, the TLS certificate, James's rendered configuration;</li>
 * <li>James, wired by our Guice modules (which only bind what is created here), then our additions to its schema;</li>
 * <li>listeners: James's SMTP/IMAP (started by James), CA HTTP, broadcast API; unfinished broadcasts resume;</li>
 * <li>TLS renewal, the admin API, the webmail child.</li>
 * </ol>
 * Listeners are found by name ({@link #listener}); services of the running server through {@link #service}.
 */
public final class CivicMailServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CivicMailServer.class);
    /** James's administrator: may log in as other users (SASL PLAIN authorization id), used by the webmail. */
    public static final String ADMIN_USER_LOCAL_PART = "civicmail-admin";

    /** Everything but the listeners, closed in reverse order of opening after them. */
    private final Closer closer = new Closer();
    /** Stopped together first, so no new work arrives while the rest closes (see {@link ParallelStop}). */
    private final List<Runnable> listenerStops = new ArrayList<>();
    private final List<ListenerAddress> listeners = new ArrayList<>();
    private GuiceJamesServer james;
    private WebmailProcess webmail;

    private CivicMailServer() {
    }

    public static CivicMailServer start(CivicMailConfig config, DataDirectory data, StartOptions options, Module... extra)
            throws ServerStartException {
        CivicMailServer server = new CivicMailServer();
        try {
            server.assemble(config, data, options, extra);
            return server;
        } catch (Exception | LinkageError e) {
            try {
                server.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new ServerStartException("CivicMail could not start: " + rootMessage(e), e);
        }
    }

    private void assemble(CivicMailConfig config, DataDirectory data, StartOptions options, Module... extra) throws Exception {
        StartPhases phases = new StartPhases();
        data.create();
        configureDerby(data);
        CivicDatabase database = new CivicDatabase(data);
        JamesDatabase jamesDatabase = new JamesDatabase(data.jamesDerby());
        // Closed last, after everything that uses them: a clean shutdown checkpoints, so the next start replays no log.
        closer.add("Derby databases", () -> {
            DerbyShutdown.shutdown(jamesDatabase.location());
            database.close();
            DerbyShutdown.shutdown(database.location());
        });
        AccountStore accounts = new AccountStore(database);
        phases.ended("data directory and databases");

        CaHttpServer caHttp = null;
        if (options.withListeners()) {
            caHttp = CaHttpServer.bind(new InetSocketAddress(config.bindHost(), config.port(Listener.CA_HTTP)));
            listenerStops.add(caHttp::close);
        }
        String caBaseUrl = config.caBaseUrl().orElse(caHttp != null ? caHttp.baseUrl()
            : "http://" + config.bindHost() + ":" + config.port(Listener.CA_HTTP));
        PassphraseSource passphrase = CaPassphrase.resolve(data.ca(), options.demo(), options.environment());
        CaConfig caConfig = CaConfig.of(database.dataSource(), data.ca(), caBaseUrl).withPassphrase(passphrase)
            .withNames(mailDomains(config), tlsNames(config)).withKeyAlgorithm(config.caKeyAlgorithm())
            .withSubscriberKeys(config.subscriberKeys());
        CertificateAuthority ca = CertificateAuthority.open(caConfig, new AccountSubjectDirectory(accounts));
        closer.add("CA", ca::close);
        AccountKeyStore accountKeys = new AccountKeyStore(data.keys().resolve("accounts"), ca, accounts);
        if (accountKeys.hasLegacyFiles()) {
            char[] pass = passphrase.passphrase(); // once more, only to re-encrypt key files of an older version
            try {
                accountKeys.upgradeLegacyFiles(pass);
            } finally {
                java.util.Arrays.fill(pass, '\0');
            }
        }
        passphrase.forget(); // the CA keeps only keys derived from it (CertificateAuthority#open)
        phases.ended("CA");

        // Whom S/MIME signatures may chain to, decided once here; the webmail child gets the same certificates.
        // Every issuing CA of ours (also the first-generation one of an upgraded data directory) and the root.
        Authorities authorities = new Authorities(ca.caCertificates(), config.extraTrustAnchors());
        SignatureVerifier verifier = verifier(authorities, config, ca);
        TlsKeyStore tls = new TlsKeyStore(data.keys());
        TlsCertificateProvisioner.ensure(tls, ca, tlsNames(config));
        JamesConfigRenderer.render(config.confDir().resolve("james"), data.jamesConf(),
            templateValues(config, data, tls, options.withListeners()));
        phases.ended("verifier, TLS, James's configuration");

        Module civic = civicBindings(config, data, database, jamesDatabase, accounts, ca, accountKeys, authorities, verifier);
        james = GuiceJamesServer.forConfiguration(Configuration.builder()
                .workingDirectory(data.james().toFile())
                .configurationPath(new Configuration.ConfigurationPath(FileSystem.FILE_PROTOCOL_AND_CONF))
                .build())
            .combineWith(JamesModules.all())
            .combineWith(Modules.combine(extra))
            .combineWith(civic);
        closer.add("James", james::stop);
        james.start();
        phases.ended("James");
        listenerStops.addAll(protocolListenerUnbinds());
        // The spooler's stop waits (at most 5 s, James's own limit) for its threads; James's dequeue loop kept one of
        // them in a 10 s JMS receive, so after a load every stop took those 5 s. Our queues end that loop when told
        // (StoppableSpoolQueue), so the spooler only waits for mail being processed, which is finished and committed.
        // It runs beside the listeners' 2 s quiet period. Mail a closing SMTP session still hands over is synced in
        // the spool journal before its 250 and is delivered at the next start.
        SpoolQueueFactory spoolQueues = service(SpoolQueueFactory.class);
        JamesMailSpooler spooler = service(JamesMailSpooler.class);
        listenerStops.add(() -> {
            spoolQueues.stopDequeuing();
            spooler.dispose();
        });
        JamesSchemaAdditions.ensure(jamesDatabase);
        // Queued mail (from before a crash) is delivered only now, after the schema additions and the trigger warm-up
        // committed: beside them, first deliveries met their DDL and trigger recompilations in a 20 s Derby lock wait.
        spoolQueues.startDequeuing();
        phases.ended("schema additions");
        BroadcastService broadcasts = service(BroadcastService.class);
        closer.add("broadcast worker", broadcasts::close);
        broadcasts.start();
        phases.ended("broadcast service");
        if (!options.withListeners()) {
            LOG.info("Started (no listeners) in {}", phases.summary());
            return;
        }

        listeners.addAll(boundListeners(config.webadminEnabled()));
        caHttp.serve(ca);
        listeners.add(new ListenerAddress("ca-http", config.bindHost(), caHttp.port()));
        BroadcastApiServer broadcastApi = BroadcastApiServer.start(
            new InetSocketAddress(config.bindHost(), config.port(Listener.BROADCAST_API)), tls, ca, accounts, broadcasts);
        listenerStops.add(broadcastApi::close);
        listeners.add(new ListenerAddress(Listener.BROADCAST_API.displayName(), config.bindHost(), broadcastApi.port()));
        broadcasts.resumeUnfinished();
        // The webmail's master credential exists whenever the server serves, also without the webmail.
        WebmailMasterUser.ensure(data, service(UsersRepository.class),
            ADMIN_USER_LOCAL_PART + "@" + config.domain(AccountClass.OFFICIAL));
        List<AbstractConfigurableAsyncServer> tlsListeners = new ArrayList<>(service(SMTPServerFactory.class).getServers());
        tlsListeners.addAll(service(IMAPServerFactory.class).getServers());
        TlsRenewal tlsRenewal = new TlsRenewal(tls, ca, tlsNames(config), tlsListeners);
        listenerStops.add(tlsRenewal::close);
        phases.ended("listeners, broadcast resume, TLS renewal");

        if (options.adminCommands().isPresent()) {
            AdminServer admin = AdminServer.start(config.port(Listener.ADMIN), AdminToken.readOrCreate(data.adminToken()),
                options.adminCommands().get().apply(this));
            listenerStops.add(admin::close);
            listeners.add(new ListenerAddress("admin", "127.0.0.1", admin.port()));
        }
        if (options.webmailHome().isPresent() && config.webmailEnabled()) {
            // Told to stop with the listeners, so it stops while the server does; close() waits for it last.
            webmail = WebmailProcess.start(options.webmailHome().get(), config, data, this).orElse(null);
            if (webmail != null) {
                listenerStops.add(webmail::beginStop);
                listeners.add(webmail.address());
            }
        }
        phases.ended("admin API, webmail");
        LOG.info("Started in {}", phases.summary());
    }

    /** What Guice gets from us: instances created above, and the classes it builds itself. Binds only. */
    private Module civicBindings(CivicMailConfig config, DataDirectory data, CivicDatabase database, JamesDatabase jamesDatabase,
                                 AccountStore accounts, CertificateAuthority ca, AccountKeyStore accountKeys,
                                 Authorities authorities, SignatureVerifier verifier) {
        SmimeSigner signer = new SmimeSigner();
        LoginPolicy loginPolicy = new LoginPolicy(config.login(), Clock.systemUTC());
        FrontEndKey frontEndKey = FrontEndKey.random();
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(CivicMailConfig.class).toInstance(config);
                bind(DataDirectory.class).toInstance(data);
                bind(JamesDatabase.class).toInstance(jamesDatabase);
                bind(CivicDatabase.class).toInstance(database);
                bind(AccountStore.class).toInstance(accounts);
                bind(CertificateAuthority.class).toInstance(ca);
                bind(AccountKeyStore.class).toInstance(accountKeys);
                bind(SmimeSigner.class).toInstance(signer);
                bind(Authorities.class).toInstance(authorities);
                bind(SignatureVerifier.class).toInstance(verifier);
                bind(LoginPolicy.class).toInstance(loginPolicy);
                bind(FrontEndKey.class).toInstance(frontEndKey);
                bind(CityDomains.class).toInstance(new CityDomains(config));
                bind(RegisteredNames.class).toInstance(new RegisteredNames(accounts));
                install(new BroadcastModule());
                Multibinder.newSetBinder(binder(), GuiceProbe.class).addBinding().to(ServicesProbe.class);
            }
        };
    }

    static void configureDerby(DataDirectory data) {
        // Derby writes derby.log into the working directory unless told otherwise.
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file", data.logs().resolve("derby.log").toString());
        }
        // Derby opens its log in synchronous-write mode, so every full log buffer is one synchronous write: with
        // the default 32 KiB, a broadcast batch (several MiB of messages) waits on a hundred of them. A 1 MiB
        // buffer keeps commits exactly as durable. The page cache is counted in pages, and each database has its
        // own: the message tables have 32 KiB pages (LOB columns), so 4000 pages could hold 128 MiB of the heap in
        // James's database alone, and under the mail-flow benchmark it did (old generation full, back-to-back full
        // GCs at 256 MiB). 400 pages (at most ~13 MiB per database), not Derby's default 1000: with 1000 the two caches
        // were most of the server's live heap (~50 of ~85 MiB; a heap dump under the mail-flow benchmark: 23 MiB of
        // James's 32 KiB pages alone), the old generation kept ~20 MiB to spare, and a broadcast's batches in flight
        // filled it: a notice to 100,000 ran 420 full collections (39 s of pauses) at 1,447/s; with 400 pages 84 (7 s)
        // at 2,448/s (mail-server/BROADCAST.md, "Where a notice's time goes"); it also lets the launcher's heap be
        // 144 MiB. New messages go to the tables' last pages and their index pages (4 KiB), which stay cached; a page
        // that falls out is read again from the OS's file cache, not the disk.
        setIfAbsent("derby.storage.logBufferSize", "1048576");
        setIfAbsent("derby.storage.pageCacheSize", "400");
        // Log files of 8 MiB instead of Derby's 1 MiB: at each switch Derby syncs the full file, creates and
        // preallocates the next (writing it whole) and allocates that file's buffers (3 x the 1 MiB log buffer, plus
        // 2 MiB to preallocate with); a broadcast writes ~7 KiB of log per copy, so with 1 MiB files a notice to
        // 100,000 switched ~700 times, 1.7 GB of short-lived arrays in its heap (JFR, mail-server/BROADCAST.md).
        setIfAbsent("derby.storage.logSwitchInterval", String.valueOf(8 << 20));
        // A broadcast batch (civicmail.broadcast.batch-size, 1000) writes ~6 MIME property rows per copy in one
        // transaction: 6,000 row locks on JAMES_MAIL_PROPERTY, past Derby's default threshold of 5,000, where Derby
        // escalates to a lock on the whole table and every IMAP read of message structure waits for the batch's
        // commit. 20,000 keeps batches of up to ~3,000 copies on row locks (BatchLockEscalationIT); the locks of a
        // batch are a few MiB of heap for the second it runs. A transaction beyond that still escalates.
        setIfAbsent("derby.locks.escalationThreshold", "20000");
        // A checkpoint (every dirty page written and synced) every 10 MiB of log by default, i.e. every few
        // broadcast batches; at 100 MiB crash recovery replays at most that much log (seconds).
        setIfAbsent("derby.storage.checkpointInterval", "104857600");
        // Derby's files (mail text is in its log) owner-only, whatever the process umask.
        System.setProperty("derby.storage.useDefaultFilePermissions", "false");
        // No automatic index statistics, whatever is configured: when Derby's statistics daemon refreshes a table's
        // statistics it invalidates the compiled actions of that table's triggers (CM_MAILBOX_COUNTER_*, CM_DELETE_*),
        // and two transactions that then fire one at the same moment both recompile it and deadlock on SYS.SYSDEPENDS
        // (seen after broadcasts: concurrent first logins got NO, expunges failed). It is read when a database boots.
        // Without statistics Derby plans with fixed selectivities; the frequent queries (a folder by its path, messages
        // by folder and UID) are equalities on a unique index or a primary-key prefix, which such plans still use.
        System.setProperty("derby.storage.indexStats.auto", "false");
        // Netty (James's SMTP and IMAP) pools buffers in one arena per two cores for heap and again for direct
        // memory, each arena holding 4 MiB chunks: 17 MiB of heap and 17 MiB outside it on this machine. One arena
        // of each is plenty for mail on loopback or a LAN (each event-loop thread still has its own small cache).
        setIfAbsent("io.netty.allocator.numHeapArenas", "1");
        setIfAbsent("io.netty.allocator.numDirectArenas", "1");
    }

    /**
     * The shared verifier: the city CA's certificates (a certificate their key signed is the city's, whatever chain
     * the sender attached) answered from the CA's live store; configured foreign roots through OCSP, else CRL.
     */
    private static SignatureVerifier verifier(Authorities authorities, CivicMailConfig config, CertificateAuthority ca) {
        Clock clock = Clock.systemUTC();
        return new SignatureVerifier(authorities, new CityCaRevocation(ca),
            new OnlineRevocation(new OcspClient(clock), new CrlClient(config.crlMaxAge(), clock)));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The city's mail domains, one per class: what the CA's S/MIME issuing CA is constrained to. */
    static List<String> mailDomains(CivicMailConfig config) {
        List<String> domains = new ArrayList<>();
        for (AccountClass c : AccountClass.values()) {
            domains.add(config.domain(c));
        }
        return domains;
    }

    /** Names the TLS certificate covers: the configured host name, loopback, and the bind address. */
    static List<String> tlsNames(CivicMailConfig config) {
        List<String> names = new ArrayList<>(List.of(config.hostname(), "localhost", "127.0.0.1"));
        if (!names.contains(config.bindHost()) && !config.bindHost().equals("0.0.0.0")) {
            names.add(config.bindHost());
        }
        return names;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }

    private static Map<String, String> templateValues(CivicMailConfig config, DataDirectory data, TlsKeyStore tls,
                                                      boolean withListeners) throws java.io.IOException {
        Map<String, String> v = new HashMap<>();
        v.put("bind.host", config.bindHost());
        v.put("hostname", config.hostname());
        v.put("smtp.port", String.valueOf(config.port(Listener.SMTP)));
        v.put("submission.port", String.valueOf(config.port(Listener.SUBMISSION)));
        v.put("imap.port", String.valueOf(config.port(Listener.IMAP)));
        v.put("imaps.port", String.valueOf(config.port(Listener.IMAPS)));
        v.put("webadmin.port", String.valueOf(config.port(Listener.WEBADMIN)));
        v.put("smtp.enabled", String.valueOf(withListeners));
        v.put("imap.enabled", String.valueOf(withListeners));
        v.put("webadmin.enabled", String.valueOf(withListeners && config.webadminEnabled()));
        // Without a key James would fall back to JMAP's verifier (absent here) and fail; when off there is no filter.
        v.put("webadmin.jwt.key.line", config.webadminJwtPublicKey()
            .map(key -> "jwt.publickeypem.url=file://" + key).orElse("# no token key: WebAdmin is off"));
        v.put("smtp.max-message-kib", String.valueOf(config.maxMessageKib()));
        v.put("imap.literal-size-limit", imapLiteralSizeLimit(config.maxMessageKib()));
        v.put("tls.policy", TlsPolicy.jamesTlsElements());
        v.put("tls.keystore", "file://" + tls.file().toAbsolutePath());
        v.put("tls.secret", new String(tls.secret()));
        v.put("derby.james", data.jamesDerby().toAbsolutePath().toString());
        v.put("admin.user", ADMIN_USER_LOCAL_PART + "@" + config.domain(AccountClass.OFFICIAL));
        v.put("relay.gateway.element", config.relayGateway().map(g -> "<gateway>" + g + "</gateway>").orElse(""));
        for (AccountClass c : AccountClass.values()) {
            v.put("domain." + c.cliName(), config.domain(c));
        }
        return v;
    }

    /**
     * The largest IMAP literal (an APPEND of the largest message SMTP accepts, plus 1 MiB for headers we add);
     * 64 MiB when SMTP is unlimited, so no client can make James buffer an unbounded literal.
     */
    static String imapLiteralSizeLimit(int maxMessageKib) {
        long kib = maxMessageKib == 0 ? 64 * 1024 : maxMessageKib + 1024L;
        return Math.min(kib, Integer.MAX_VALUE / 1024) + "K";
    }

    private List<ListenerAddress> boundListeners(boolean webadmin) {
        List<ListenerAddress> result = new ArrayList<>();
        // Servers come back in the order of the configuration files: inbound SMTP then submission; IMAP then IMAPS.
        List<AbstractConfigurableAsyncServer> smtp = service(SMTPServerFactory.class).getServers();
        List<AbstractConfigurableAsyncServer> imap = service(IMAPServerFactory.class).getServers();
        result.add(address("smtp", smtp.get(0)));
        result.add(address("submission", smtp.get(1)));
        result.add(address("imap", imap.get(0)));
        result.add(address("imaps", imap.get(1)));
        if (webadmin) {
            result.add(new ListenerAddress("webadmin", "127.0.0.1", service(WebAdminServer.class).getPort().getValue()));
        }
        return result;
    }

    private static ListenerAddress address(String name, AbstractConfigurableAsyncServer server) {
        InetSocketAddress bound = server.getListenAddresses().get(0);
        return new ListenerAddress(name, bound.getHostString(), bound.getPort());
    }

    public List<ListenerAddress> listeners() {
        return List.copyOf(listeners);
    }

    public ListenerAddress listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no listener named " + name + "; have " + listeners));
    }

    /** One of the server's singletons (James's or CivicMail's). */
    public <T> T service(Class<T> type) {
        return james.getProbe(ServicesProbe.class).get(type);
    }

    /**
     * Stops everything: the listeners first, all at once (each only waits: see {@link ParallelStop}), so no new work
     * arrives; then, in reverse order of start and each isolated, the broadcast worker, James (spool, mailboxes,
     * database) and the CA; last the wait for the webmail child, which was told to stop with the listeners.
     */
    @Override
    public void close() {
        LOG.info("Stopping CivicMail");
        ShutdownLogFilter.serverStopping();
        long started = System.nanoTime();
        Closer all = new Closer();
        if (webmail != null) {
            all.add("webmail", webmail::close);
        }
        all.add("the rest", closer::close);
        all.add("listeners", () -> ParallelStop.run("listeners", listenerStops));
        try {
            all.close();
        } finally {
            LOG.info("CivicMail stopped ({} ms)", (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * James unbinds its SMTP and IMAP servers one after another, and each waits out Netty's graceful quiet period
     * (2 s). Unbinding them at once keeps each server's graceful close (a transaction in flight is finished or
     * abandoned before its 250, so nothing accepted is lost) and pays the quiet period once; James's own stop then
     * finds them unbound and skips them.
     */
    private List<Runnable> protocolListenerUnbinds() {
        // Servers disabled in the configuration (CLI runs without listeners) were never bound: unbind() returns.
        List<Runnable> unbinds = new ArrayList<>();
        service(SMTPServerFactory.class).getServers().forEach(s -> unbinds.add(s::unbind));
        service(IMAPServerFactory.class).getServers().forEach(s -> unbinds.add(s::unbind));
        return unbinds;
    }
}
