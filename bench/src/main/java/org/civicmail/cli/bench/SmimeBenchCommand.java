package org.civicmail.cli.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.RunsLocally;
import org.civicmail.smime.bench.SmimeBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-smime}: S/MIME signing and verification rates on this machine, in a throw-away installation. */
@Command(name = "bench-smime", mixinStandardHelpOptions = true,
    description = "Benchmark S/MIME: sign/verify per second, and signed messages per second from submission to mailbox.")
public class SmimeBenchCommand implements Callable<Integer>, RunsLocally {
    private final CliContext context;

    @Option(names = "--messages", defaultValue = "2000", description = "Messages for the end-to-end run (default 2000).")
    int messages;

    @Option(names = "--connections", defaultValue = "4", description = "Parallel submission connections (default 4).")
    int connections;

    SmimeBenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Path confDir = context.localConfDir().orElseThrow(() -> new BadInputException(
            "bench-smime starts its own throw-away server; run it while no server is running, or with another --data"));
        if (messages < 1 || connections < 1 || connections > 64) {
            throw new BadInputException("--messages must be >= 1 and --connections between 1 and 64");
        }
        new SmimeBenchmark(context.out(), confDir).run(messages, connections);
        return ExitCodes.OK;
    }
}
