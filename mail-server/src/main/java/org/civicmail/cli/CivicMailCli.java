package org.civicmail.cli;

import org.civicmail.ca.CaException;
import org.civicmail.ca.cli.CaCommand;
import org.civicmail.cli.account.AccountCommand;
import org.civicmail.account.InvalidAccountException;
import org.civicmail.config.ConfigException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./civicmail}: the one command line of CivicMail. */
@Command(name = "civicmail", mixinStandardHelpOptions = true, version = "CivicMail 0.1.0",
    description = "CivicMail: the city's CA-authenticated secure mail system.",
    subcommands = {StartCommand.class, AccountCommand.class, org.civicmail.cli.broadcast.BroadcastCommand.class})
public class CivicMailCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line for a context, with CivicMail's exit-code conventions. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cl = new CommandLine(CivicMailCli.class, new ContextFactory(context));
        cl.addSubcommand("ca", new CaCommand(new HostCaEnvironment(context)));
        CommandModule.all().forEach(cl::addSubcommand);
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e;
            if (isBadInput(cause)) {
                context.err().println("error: " + cause.getMessage());
                context.err().flush();
                return ExitCodes.BAD_INPUT;
            }
            context.err().println("error: " + cause.getMessage());
            context.err().flush();
            return ExitCodes.FAILURE;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            context.err().println("error: " + e.getMessage());
            context.err().println("(see `./civicmail " + String.join(" ", e.getCommandLine().getCommandSpec().qualifiedName(" ")
                .replaceFirst("^civicmail ?", "")) + " --help`)");
            context.err().flush();
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    static boolean isBadInput(Throwable e) {
        return e instanceof InvalidAccountException || e instanceof BadInputException || e instanceof ConfigException
            || (e instanceof CaException ca && ca.exitCode() == ExitCodes.BAD_INPUT);
    }
}
