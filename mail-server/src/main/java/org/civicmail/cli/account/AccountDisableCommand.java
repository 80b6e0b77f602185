package org.civicmail.cli.account;

import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;

/**
 * {@code account disable ADDR}: no more logins of any kind, open sessions ended, every certificate revoked
 * (cessationOfOperation), no more incoming mail; stored mail stays. {@code account enable} undoes it.
 */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a mailbox.")
public class AccountDisableCommand extends OneAccountCommand {
    AccountDisableCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        AccountService.Disabled d = context.service(AccountService.class).disable(address);
        context.out().println("disabled " + d.account().address());
        for (java.math.BigInteger serial : d.revoked()) {
            context.out().println("revoked certificate " + org.civicmail.ca.SerialNumbers.toHex(serial) + " (cessationOfOperation)");
        }
        context.out().println("ended " + d.sessionsEnded() + " IMAP session(s); webmail sessions end too");
        return ExitCodes.OK;
    }
}
