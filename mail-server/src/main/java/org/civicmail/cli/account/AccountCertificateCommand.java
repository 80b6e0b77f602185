package org.civicmail.cli.account;

import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.cli.Passwords;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.HostCaEnvironment;
import org.civicmail.account.Account;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code account certificate ADDR --p12 FILE}: a certificate and key for the person's own mail client
 * (Thunderbird, Outlook), as a password-protected PKCS#12. The server keeps no copy of this key.
 */
@Command(name = "certificate", mixinStandardHelpOptions = true,
    description = "Issue an S/MIME certificate for a mailbox as a PKCS#12 file for the person's own mail client.")
public class AccountCertificateCommand extends OneAccountCommand {
    @Option(names = "--p12", required = true, paramLabel = "FILE", description = "Where to write the PKCS#12 (must not exist).")
    Path p12;

    @Option(names = "--p12-password-file", paramLabel = "FILE",
        description = "File holding the PKCS#12 password (default: environment variable " + Passwords.ENV + ").")
    Path passwordFile;

    AccountCertificateCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Account account = context.service(AccountService.class).require(address);
        if (account.disabled()) {
            throw new BadInputException("account " + account.address() + " is disabled; a disabled account gets no certificate");
        }
        Path target = context.resolve(p12);
        if (Files.exists(target)) {
            throw new BadInputException("--p12 " + target + " already exists; choose a new file name (nothing was issued)");
        }
        if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
            throw new BadInputException("--p12 " + target + ": directory " + target.getParent() + " does not exist");
        }
        char[] password = Passwords.p12Password(new HostCaEnvironment(context), passwordFile);
        IssuedCredential credential = context.service(CertificateAuthority.class).issueForAccount(account.address());
        credential.writePkcs12(account.address(), password, target);
        context.out().println("issued certificate serial " + credential.serial().toString(16) + " for " + account.address()
            + " -> " + target);
        return ExitCodes.OK;
    }
}
