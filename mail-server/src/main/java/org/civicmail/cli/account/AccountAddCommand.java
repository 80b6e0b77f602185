package org.civicmail.cli.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;
import org.civicmail.cli.ExitCodes;
import org.civicmail.account.Account;
import org.civicmail.account.AccountRequest;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code account add}: one mailbox, validated for its class. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Create one mailbox.")
public class AccountAddCommand extends ServerCommand {
    @Option(names = "--class", required = true, paramLabel = "CLASS", description = "citizen, legal-entity or official")
    String accountClass;

    @Option(names = "--address", required = true, paramLabel = "ADDR")
    String address;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Person's or organisation's name.")
    String name;

    @Option(names = "--surname", paramLabel = "S",
        description = "Citizen or official: surname as the certificate carries it (a single legal name goes here).")
    String surname;

    @Option(names = "--given-name", paramLabel = "G", description = "Citizen or official: given name.")
    String givenName;

    @Option(names = "--id-number", paramLabel = "N", description = "Citizen: 18-character resident ID number.")
    String idNumber;

    @Option(names = "--tags", paramLabel = "TAGS", description = "Citizen: district/community tags, comma separated.")
    String tags;

    @Option(names = "--credit-code", paramLabel = "C", description = "Legal entity: unified social credit code.")
    String creditCode;

    @Option(names = "--agency", paramLabel = "A", description = "Official: agency name.")
    String agency;

    @Option(names = "--employee-no", paramLabel = "E", description = "Official: employee number.")
    String employeeNo;

    @Option(names = "--may-broadcast", description = "Official: the agency's mailbox may broadcast.")
    boolean mayBroadcast;

    @Option(names = "--signing-key", paramLabel = "ALG",
        description = "Official or legal entity: algorithm of the signing key the server keeps: ec-p256 (default), rsa-3072 or rsa-2048.")
    String signingKey;

    @Option(names = "--password-stdin", description = "Read the password from standard input (first line).")
    boolean passwordStdin;

    AccountAddCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        char[] password = password();
        AccountRequest request = AccountRequest.of(accountClass, address, name);
        request.idNumber = idNumber;
        request.tags = tags;
        request.creditCode = creditCode;
        request.agency = agency;
        request.employeeNo = employeeNo;
        request.mayBroadcast = mayBroadcast;
        request.signingKey = signingKey;
        request.surname = surname;
        request.givenName = givenName;
        Account account = context.service(AccountService.class).create(request, password);
        context.out().println("created " + account.accountClass() + " " + account.address());
        return ExitCodes.OK;
    }

    private char[] password() throws IOException {
        if (!passwordStdin) {
            throw new BadInputException("--password-stdin is required: pass the password on standard input, "
                + "e.g. `echo \"$PW\" | ./civicmail account add ... --password-stdin` (never on the command line)");
        }
        String text = new String(context.in().readAllBytes(), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String firstLine = newline >= 0 ? text.substring(0, newline) : text;
        return firstLine.replace("\r", "").toCharArray();
    }
}
