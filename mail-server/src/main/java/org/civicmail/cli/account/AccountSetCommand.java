package org.civicmail.cli.account;

import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.PersonName;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code account set ADDR --surname S [--given-name G]}: the surname and given name of a person's account made
 * before they were stored (otherwise derived from the name, see {@link PersonName#derive}). The next certificate
 * ({@code ca renew-all}, or the next issue) carries them.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = "Set the surname and given name a person's certificate carries.")
public class AccountSetCommand extends OneAccountCommand {
    @Option(names = "--surname", required = true, paramLabel = "S", description = "Surname (a single legal name goes here).")
    String surname;

    @Option(names = "--given-name", paramLabel = "G", description = "Given name; leave out for a single legal name.")
    String givenName;

    AccountSetCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        PersonName name;
        try {
            name = PersonName.of(surname, givenName);
        } catch (InvalidInputException e) {
            throw new BadInputException("--surname/--given-name: " + e.getMessage());
        }
        context.service(AccountService.class).setPersonName(address, name);
        context.out().println("set " + address + ": surname " + name.surname()
            + (name.givenName() == null ? " (single legal name)" : ", given name " + name.givenName())
            + "; certificate name " + name.fullName() + " from the next certificate (ca renew-all re-issues now)");
        return ExitCodes.OK;
    }
}
