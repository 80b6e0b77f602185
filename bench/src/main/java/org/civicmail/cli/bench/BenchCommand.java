package org.civicmail.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./civicmail bench ...}: measurements on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on this installation.",
    subcommands = {BenchBroadcastCommand.class, BenchCaCommand.class, BenchImapCommand.class, BenchMailflowCommand.class})
public class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
