package org.civicmail.cli;

import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.civicmail.admin.AdminServer;
import org.civicmail.admin.AdminToken;
import org.civicmail.admin.RunFile;
import org.civicmail.demo.DemoSetup;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.ListenerAddress;
import org.civicmail.server.StartOptions;
import org.civicmail.server.webmail.WebmailProcess;
import org.civicmail.server.config.CivicMailConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./civicmail start}: runs the whole system in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start CivicMail in the foreground; prints 'CivicMail ready' then one 'NAME HOST:PORT' line per listener.")
public class StartCommand implements Callable<Integer> {
    private final CliContext cliContext;
    private LocalContext context;

    @Mixin
    ServerLocation location;

    @Option(names = "--demo", description = "Create demo accounts of each class (idempotent), print their passwords, leave sample mail.")
    boolean demo;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Override a configuration key, e.g. -Dcivicmail.smtp.port=0.")
    Map<String, String> overrides = Map.of();

    StartCommand(CliContext context) {
        this.cliContext = context;
        this.location = new ServerLocation(context);
    }

    @Override
    public Integer call() throws Exception {
        if (!(cliContext instanceof LocalContext local)) {
            throw new BadInputException("`start` runs a server; it cannot be sent to a server that already runs");
        }
        context = local;
        long started = System.nanoTime();
        CivicMailConfig config = context.config(overrides);
        DataDirectory data = context.data();
        CivicMailServer server = CivicMailServer.start(config, data, new StartOptions(true, demo));
        AdminServer admin;
        try {
            String token = AdminToken.readOrCreate(data.adminToken());
            admin = AdminServer.start(config.port(CivicMailConfig.Listener.ADMIN), token,
                (args, cwd, stdin, env, out, err) -> {
                    ServerContext serverContext = new ServerContext(server, out, err, stdin, cwd, env);
                    int code = CivicMailCli.commandLine(serverContext).execute(args);
                    serverContext.flush();
                    return code;
                });
            if (demo) {
                new DemoSetup(server, data, context.out()).run();
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        List<ListenerAddress> listeners = new ArrayList<>(server.listeners());
        listeners.add(new ListenerAddress("admin", "127.0.0.1", admin.port()));
        Optional<WebmailProcess> webmail = Optional.empty();
        if (config.webmailEnabled()) {
            try {
                webmail = WebmailProcess.start(Path.of(System.getProperty("civicmail.home", ".")), config, data, server);
            } catch (Exception e) {
                admin.close();
                server.close();
                throw e;
            }
            webmail.ifPresent(w -> listeners.add(w.address()));
        }
        Optional<WebmailProcess> webmailChild = webmail;
        new RunFile(listeners).write(data.runFile());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                java.nio.file.Files.deleteIfExists(data.runFile());
            } catch (java.io.IOException ignored) {
                // A stale run file is detected by the CLI (nobody answers on its port).
            }
            // The webmail stops in parallel with the server: the whole stop fits in 5 s.
            webmailChild.ifPresent(WebmailProcess::beginStop);
            try {
                org.civicmail.server.ParallelStop.run("start", List.of(admin::close, server::close));
            } finally {
                webmailChild.ifPresent(WebmailProcess::close);
                stopped.countDown();
            }
        }, "civicmail-shutdown"));

        context.out().printf("CivicMail ready (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        listeners.forEach(l -> context.out().println(l));
        context.out().flush();
        stopped.await();
        return ExitCodes.OK;
    }

}
