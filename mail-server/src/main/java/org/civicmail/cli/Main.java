package org.civicmail.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
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
        return run(args, System.out, System.err, System.in, System.getenv(), Path.of(System.getProperty("civicmail.home", ".")));
    }

    /**
     * {@link #run(String[])} with the process's surroundings given: its streams, its environment variables (the CA
     * passphrase, {@code CIVICMAIL_DATA}) and the installation directory {@code home} ({@code civicmail.home}). For
     * tests that run an offline command in their own JVM, as a person's shell would run it, without a JVM start.
     */
    public static int run(String[] args, PrintStream outStream, PrintStream errStream, InputStream in, Map<String, String> env,
            Path home) {
        PrintWriter out = new PrintWriter(outStream, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(errStream, true, StandardCharsets.UTF_8);
        Path defaultData = Optional.ofNullable(env.get("CIVICMAIL_DATA")).map(Path::of).orElse(home.resolve("data"));
        try (LocalContext context = new LocalContext(outStream, errStream, in, defaultData, home.resolve("conf"), env)) {
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
        try (LocalContext context = new LocalContext(discard, discard, InputStream.nullInputStream(), Path.of("."), Path.of("."), Map.of())) {
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
