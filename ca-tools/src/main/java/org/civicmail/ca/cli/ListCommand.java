package org.civicmail.ca.cli;

import java.util.List;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.profile.CertProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ca list}: certificates, newest first, optionally of one account or profile. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List certificates, newest first.")
final class ListCommand extends CaCommandChild {
    @Option(names = "--account", paramLabel = "ADDR", description = "Only this account's certificates.")
    String account;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "Only this profile, e.g. CITIZEN_MAILBOX, TLS_SERVER.")
    String profile;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many rows (default 50).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many rows.")
    int offset;

    @Override
    int execute(CaEnvironment env) {
        if (limit < 1 || offset < 0) {
            throw bad("--limit must be at least 1 and --offset at least 0");
        }
        List<CertificateRecord> rows;
        if (account != null) {
            rows = ca(env).certificatesFor(account);
        } else {
            rows = ca(env).list(profile == null ? null : parseProfile(profile), offset, limit);
        }
        env.out().printf("%-34s %-18s %-8s %-20s %s%n", "SERIAL", "PROFILE", "STATUS", "NOT AFTER", "ACCOUNT / SUBJECT");
        for (CertificateRecord r : rows) {
            env.out().printf("%-34s %-18s %-8s %-20s %s%n", r.serialHex(), r.profile(), r.status().state(),
                    r.notAfter().toString().substring(0, 19) + "Z", r.account() != null ? r.account() : r.subject());
        }
        return 0;
    }

    static CertProfile parseProfile(String p) {
        try {
            return CertProfile.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--profile '" + p + "' is not a profile: use one of "
                    + java.util.Arrays.toString(CertProfile.values()));
        }
    }
}
