package org.civicmail.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.civicmail.admin.RunFile;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./civicmail start}: runs the whole system in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start CivicMail in the foreground; prints 'CivicMail ready' then one 'NAME HOST:PORT' line per listener.")
public class StartCommand implements Callable<Integer>, RunsLocally {
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
        DemoData demoData = demo ? DemoData.find() : null;
        // Everything that runs is assembled, in order, by CivicMailServer.start; here only what a foreground
        // process adds: the CLI behind the admin API, demo data, the run file and the shutdown hook.
        StartOptions options = new StartOptions(true, demo)
            .withAdminApi(AdminCommands::in)
            .withWebmail(Path.of(System.getProperty("civicmail.home", ".")));
        CivicMailServer server = CivicMailServer.start(config, data, options);
        try {
            if (demo) {
                demoData.create(server, data, context.out());
            }
            new RunFile(server.listeners()).write(data.runFile());
        } catch (Exception e) {
            server.close();
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                java.nio.file.Files.deleteIfExists(data.runFile());
            } catch (java.io.IOException ignored) {
                // A stale run file is detected by the CLI (nobody answers on its port).
            }
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "civicmail-shutdown"));

        context.out().printf("CivicMail ready (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        server.listeners().forEach(l -> context.out().println(l));
        context.out().flush();
        stopped.await();
        return ExitCodes.OK;
    }

}
