package org.civicmail.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.civicmail.admin.AdminClient;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.cli.Main;
import org.civicmail.server.DataDirectory;
import org.civicmail.testkit.ForkedServer.CliResult;

/**
 * {@code civicmail ARGS} on a data directory no server runs on (stopped or killed), in the test's JVM: the CLI's own
 * code path ({@link Main#run(String[], PrintStream, PrintStream, java.io.InputStream, Map, Path)}: it finds no server,
 * opens the data directory itself, starts the storage and the CA without listeners and stops them), with the
 * environment and installation directory a person's shell would give the {@code civicmail} script. Without a JVM
 * start per command (about 7 s of CPU and 9 s of waiting in CI). For tests about what an offline command does to the
 * data; a CLI process is tested where the process is the point ({@code PrivateDataIT}: the launcher, a CLI process
 * forwarding to the server).
 */
public final class OfflineCli {
    private OfflineCli() {
    }

    /** With the test CA passphrase ({@link ForkedServer#CA_PASSPHRASE}) in the environment, nothing on standard input. */
    public static CliResult run(Path data, String... args) {
        return run(data, Map.of(PassphraseSource.ENV_PASSPHRASE, ForkedServer.CA_PASSPHRASE), null, args);
    }

    /** With {@code env}: the environment variables beyond {@code CIVICMAIL_DATA} (e.g. how the CA passphrase is given). */
    public static CliResult run(Path data, Map<String, String> env, String stdin, String... args) {
        if (AdminClient.forRunningServer(new DataDirectory(data)).isPresent()) {
            throw new IllegalStateException("a server runs on " + data + ": stop it first, or use its cli()");
        }
        Map<String, String> environment = new HashMap<>(env);
        environment.put("CIVICMAIL_DATA", data.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] in = stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            // As the civicmail script does: the installation directory holds conf/ (read by e.g. `ca revoke`).
            code = Main.run(args, o, e, new ByteArrayInputStream(in), environment, ForkedServer.CONF.getParent());
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
