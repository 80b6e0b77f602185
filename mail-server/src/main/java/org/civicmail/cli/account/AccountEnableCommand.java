package org.civicmail.cli.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.civicmail.ca.SerialNumbers;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code account enable ADDR [--password-stdin]}: a disabled mailbox works again with its password (or a new one
 * read from standard input); an official or legal-entity mailbox gets a new signing certificate.
 */
@Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled mailbox again.")
public class AccountEnableCommand extends OneAccountCommand {
    @Option(names = "--password-stdin", description = "Also set a new password, read from standard input (first line).")
    boolean passwordStdin;

    AccountEnableCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        AccountService.Enabled e = context.service(AccountService.class).enable(address, password());
        context.out().println("enabled " + e.account().address());
        e.newSigningCertificate().ifPresent(serial ->
            context.out().println("issued signing certificate " + SerialNumbers.toHex(serial)));
        return ExitCodes.OK;
    }

    private Optional<char[]> password() throws IOException {
        if (!passwordStdin) {
            return Optional.empty();
        }
        String text = new String(context.in().readAllBytes(), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return Optional.of((newline >= 0 ? text.substring(0, newline) : text).replace("\r", "").toCharArray());
    }
}
