package org.civicmail.ca.cli;

import org.civicmail.ca.audit.AuditVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ca audit verify}: re-checks the hash chain; exit 1 and one line per problem if it was tampered with. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Verify the audit log's hash chain.")
final class AuditVerifyCommand extends CaSubcommand {
    @ParentCommand
    AuditCommand parent;

    @Override
    CaEnvironment env() {
        return parent.environment();
    }

    @Override
    int execute(CaEnvironment env) {
        AuditVerification v = ca(env).verifyAuditLog();
        if (v.intact()) {
            env.out().println("audit log " + v.file() + ": " + v.entries() + " entries, hash chain intact");
            return 0;
        }
        env.err().println("audit log " + v.file() + " has been tampered with:");
        for (String p : v.problems()) {
            env.err().println("  " + p);
        }
        return 1;
    }
}
