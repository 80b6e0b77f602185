package org.civicmail.cli;

import org.civicmail.admin.AdminServer;
import org.civicmail.server.CivicMailServer;

/** What the admin API runs: one {@code civicmail} command line inside the running server, as the CLI would. */
public final class AdminCommands {
    private AdminCommands() {
    }

    public static AdminServer.CommandRunner in(CivicMailServer server) {
        return (args, cwd, stdin, env, out, err) -> {
            ServerContext context = new ServerContext(server, out, err, stdin, cwd, env);
            int code = CivicMailCli.commandLine(context).execute(args);
            context.flush();
            return code;
        };
    }
}
