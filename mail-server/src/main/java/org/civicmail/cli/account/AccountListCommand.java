package org.civicmail.cli.account;

import java.util.Optional;

import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code account list}: one line per mailbox (ID numbers masked). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List mailboxes.")
public class AccountListCommand extends ServerCommand {
    @Option(names = "--class", paramLabel = "CLASS", description = "Only this class.")
    String accountClass;

    @Option(names = "--offset", defaultValue = "0")
    int offset;

    @Option(names = "--limit", defaultValue = "100")
    int limit;

    AccountListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Optional<AccountClass> cls = Optional.ofNullable(accountClass).map(AccountClass::parse);
        var accounts = context.service(AccountService.class).store().list(cls, Math.max(0, offset), Math.max(1, Math.min(limit, 10_000)));
        for (Account a : accounts) {
            context.out().println(AccountShowCommand.summary(a));
        }
        context.out().println(accounts.size() + " account(s)");
        return ExitCodes.OK;
    }
}
