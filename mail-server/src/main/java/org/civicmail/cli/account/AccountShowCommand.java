package org.civicmail.cli.account;

import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.Account;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;

/** {@code account show ADDR}: one mailbox's class, identity (ID number masked), state and certificates. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one mailbox.")
public class AccountShowCommand extends OneAccountCommand {
    AccountShowCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Account a = context.service(AccountService.class).require(address);
        var out = context.out();
        out.println("address:       " + a.address());
        out.println("class:         " + a.accountClass());
        out.println("name:          " + a.name());
        a.idNumber().ifPresent(id -> out.println("id-number:     " + id.masked()));
        if (!a.tags().isEmpty()) {
            out.println("tags:          " + String.join(",", a.tags()));
        }
        a.creditCode().ifPresent(c -> out.println("credit-code:   " + c.value()));
        a.agency().ifPresent(ag -> out.println("agency:        " + ag));
        a.employeeNo().ifPresent(e -> out.println("employee-no:   " + e));
        out.println("may-broadcast: " + a.mayBroadcast());
        out.println("status:        " + (a.disabled() ? "disabled" : "active"));
        var certificates = context.service(AccountService.class).certificates(a.address());
        out.println("certificates:  " + (certificates.isEmpty() ? "none" : ""));
        for (CertificateRecord c : certificates) {
            out.println("  " + c.serialHex() + "  " + status(c.status()) + "  expires " + c.notAfter() + "  " + c.profile());
        }
        return ExitCodes.OK;
    }

    static String status(CertificateStatus s) {
        return switch (s.state()) {
            case GOOD -> "good";
            case REVOKED -> "revoked " + s.revokedAt().map(Object::toString).orElse("") + " ("
                + s.reason().map(Object::toString).orElse("unspecified") + ")";
            case UNKNOWN -> "unknown";
        };
    }

    static String summary(Account a) {
        String identity = switch (a.accountClass()) {
            case CITIZEN -> a.idNumber().map(i -> i.masked()).orElse("") + (a.tags().isEmpty() ? "" : " [" + String.join(",", a.tags()) + "]");
            case LEGAL_ENTITY -> a.creditCode().map(Object::toString).orElse("");
            case OFFICIAL -> a.agency().orElse("") + (a.mayBroadcast() ? " (may broadcast)" : "");
        };
        return String.format("%-40s %-12s %s  %s%s", a.address(), a.accountClass(), a.name(), identity, a.disabled() ? "  DISABLED" : "");
    }
}
