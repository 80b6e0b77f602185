package org.civicmail.cli.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.civicmail.bench.mailflow.MailflowBenchmark;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.RunsLocally;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench mailflow}: everyday mail at Postfix's workload (see {@link MailflowBenchmark}); it forks its own
 * server in a scratch data directory, so it runs in this process even while another server runs.
 */
@Command(name = "mailflow", mixinStandardHelpOptions = true,
    description = {"Measure everyday mail: inbound SMTP and signed submission to N citizen mailboxes, to the last stored message.",
        "Starts its own server in a scratch data directory (a new temporary one unless --data names an empty one)."})
public class BenchMailflowCommand implements Callable<Integer>, RunsLocally {
    @Option(names = "--data", paramLabel = "DIR", description = "Scratch data directory (must be empty or absent).")
    Path data;

    @Option(names = "--conf", paramLabel = "DIR", description = "Configuration directory (default: conf/ of this installation).")
    Path conf;

    @Option(names = "--mailboxes", defaultValue = "1000", description = "Citizen mailboxes (default ${DEFAULT-VALUE}).")
    int mailboxes;

    @Option(names = "--messages", defaultValue = "10000", description = "Messages per workload (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--per-connection", defaultValue = "10", description = "Messages per SMTP session (default ${DEFAULT-VALUE}).")
    int perConnection;

    @Option(names = "--concurrency", defaultValue = "20", description = "Sessions at a time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--size", defaultValue = "4096", paramLabel = "BYTES", description = "Message body size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--senders", defaultValue = "20", description = "Official senders on submission (default ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--workloads", defaultValue = "inbound,submission", split = ",",
        description = "inbound, submission or both (default ${DEFAULT-VALUE}).")
    java.util.List<String> workloads;

    @Option(names = "--no-webmail", description = "Do not start the webmail child (its memory is then not counted).")
    boolean noWebmail;

    @Option(names = "--peer", paramLabel = "NAME=HOST:PORT",
        description = "Instead of CivicMail, send the inbound workload to another MTA on loopback (e.g. postfix=127.0.0.1:2526).")
    String peer;

    @Option(names = "--peer-maildir", paramLabel = "DIR", description = "Root of the peer's Maildirs (ROOT/<local part>/new).")
    Path peerMaildir;

    @Override
    public Integer call() throws Exception {
        for (var check : new Object[][] {{"--mailboxes", mailboxes}, {"--messages", messages}, {"--per-connection", perConnection},
                {"--concurrency", concurrency}, {"--size", size}, {"--senders", senders}}) {
            if ((int) check[1] < 1) {
                throw new BadInputException(check[0] + " must be at least 1 (got " + check[1] + ")");
            }
        }
        if (messages < perConnection) {
            throw new BadInputException("--messages " + messages + " is fewer than --per-connection " + perConnection);
        }
        for (String w : workloads) {
            if (!w.equals("inbound") && !w.equals("submission")) {
                throw new BadInputException("--workloads: '" + w + "' is not a workload; use inbound, submission or both");
            }
        }
        Optional<MailflowBenchmark.Peer> peerSettings = Optional.empty();
        if (peer != null) {
            if (!peer.matches("[a-z0-9-]+=[0-9.]+:\\d+") || peerMaildir == null) {
                throw new BadInputException("--peer must look like postfix=127.0.0.1:2526 and come with --peer-maildir DIR");
            }
            String name = peer.substring(0, peer.indexOf('='));
            String hostPort = peer.substring(peer.indexOf('=') + 1);
            String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
            if (!host.startsWith("127.")) {
                throw new BadInputException("--peer " + peer + ": the benchmark only sends to loopback (127.0.0.0/8)");
            }
            peerSettings = Optional.of(new MailflowBenchmark.Peer(name,
                new InetSocketAddress(host, Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1))), peerMaildir));
        }
        Path home = Path.of(System.getProperty("civicmail.home", "."));
        Path confDir = conf != null ? conf : home.resolve("conf");
        var config = org.civicmail.config.CivicMailConfig.load(confDir, java.util.Map.of());
        MailflowBenchmark.Settings settings = new MailflowBenchmark.Settings(mailboxes, messages, perConnection, concurrency,
            size, senders, workloads.contains("inbound"), workloads.contains("submission"), !noWebmail, peerSettings);
        if (peerSettings.isPresent()) {
            new MailflowBenchmark(null, config, System.out).run(settings);
            return ExitCodes.OK;
        }
        Path dataDir = data != null ? data : Files.createTempDirectory("civicmail-mailflow-");
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new BadInputException("--data " + dataDir + " is not empty; the benchmark creates mailboxes there, "
                        + "so give it an empty or absent scratch directory");
                }
            }
        }
        new MailflowBenchmark(dataDir, config, System.out).run(settings);
        System.out.println("data directory: " + dataDir + " (scratch; delete it when done)");
        return ExitCodes.OK;
    }
}
