package org.civicmail.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.civicmail.admin.AdminClient;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of {@code ./civicmail}. Commands other than {@code start} go to the running server over its
 * loopback admin API when one runs for the data directory (embedded Derby admits one process); otherwise they
 * run here.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Path home = Path.of(System.getProperty("civicmail.home", "."));
        Path defaultData = Optional.ofNullable(System.getenv("CIVICMAIL_DATA")).map(Path::of).orElse(home.resolve("data"));
        try (LocalContext context = new LocalContext(System.out, System.err, System.in, defaultData, home.resolve("conf"))) {
            CommandLine cl = CivicMailCli.commandLine(context);
            ParseResult parsed;
            try {
                parsed = cl.parseArgs(args);
            } catch (CommandLine.ParameterException e) {
                try {
                    return cl.getParameterExceptionHandler().handleParseException(e, args);
                } catch (Exception handlerFailure) {
                    err.println("error: " + e.getMessage());
                    return ExitCodes.BAD_INPUT;
                }
            } catch (Exception e) {
                err.println("error: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            if (!runsLocally(parsed)) {
                Optional<AdminClient> server = AdminClient.forRunningServer(context.data());
                if (server.isPresent()) {
                    return server.get().execute(args, Path.of("").toAbsolutePath(), out, err);
                }
            }
            return cl.execute(args);
        }
    }

    /**
     * Whether {@link #run} hands {@code args} to the running server of a data directory rather than running them in
     * its own process (false for arguments it cannot parse: the CLI reports those itself). For tests that run commands
     * through the admin API exactly when the CLI would.
     */
    public static boolean forwardsToServer(String[] args) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try (LocalContext context = new LocalContext(discard, discard, InputStream.nullInputStream(), Path.of("."), Path.of("."))) {
            return !runsLocally(CivicMailCli.commandLine(context).parseArgs(args));
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    private static boolean runsLocally(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        return command instanceof RunsLocally || leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested()
            || !leaf.commandSpec().subcommands().isEmpty() || leaf == parsed;
    }
}
