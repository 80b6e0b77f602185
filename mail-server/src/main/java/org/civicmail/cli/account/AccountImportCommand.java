package org.civicmail.cli.account;

import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.ProgressBar;
import org.civicmail.account.AccountCsv;
import org.civicmail.account.AccountService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code account import FILE.csv}: loads a registry. Every row is validated first; if any row is bad, the
 * errors are listed by row number and nothing is imported. Rows already present with the same identity are
 * skipped, so re-running an interrupted import finishes it.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import mailboxes from a CSV file (all rows or none).")
public class AccountImportCommand extends ServerCommand {
    private static final int MAX_ERRORS_SHOWN = 50;

    @Parameters(paramLabel = "FILE.csv")
    Path file;

    @Option(names = "--class", paramLabel = "CLASS", description = "Class of rows that have no 'class' column.")
    String defaultClass;

    @Option(names = "--encoding", defaultValue = "UTF-8", paramLabel = "CHARSET", description = "UTF-8 (default, BOM allowed), GBK or GB18030.")
    String encoding;

    AccountImportCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new BadInputException("--encoding " + encoding + " is not a known character set; use UTF-8, GBK or GB18030");
        }
        Path path = context.resolve(file);
        AccountService accounts = context.service(AccountService.class);
        AccountCsv.Validation validation;
        try (InputStream in = Files.newInputStream(path)) {
            validation = AccountCsv.validate(in, charset, Optional.ofNullable(defaultClass), accounts.domains(), accounts.store());
        } catch (NoSuchFileException e) {
            throw new BadInputException("file " + path + " does not exist");
        } catch (CharacterCodingException e) {
            throw new BadInputException(path + " is not valid " + charset.name() + " text; if it was saved by Excel in Chinese, try --encoding GBK");
        }
        if (!validation.ok()) {
            context.err().println(path.getFileName() + ": " + validation.errors().size() + " bad row(s); nothing was imported:");
            validation.errors().stream().limit(MAX_ERRORS_SHOWN).forEach(e -> context.err().println("  " + e));
            if (validation.errors().size() > MAX_ERRORS_SHOWN) {
                context.err().println("  ... and " + (validation.errors().size() - MAX_ERRORS_SHOWN) + " more");
            }
            return ExitCodes.BAD_INPUT;
        }
        ProgressBar progress = new ProgressBar(context.err(), "importing", validation.toCreate().size());
        for (AccountCsv.Row row : validation.toCreate()) {
            try {
                accounts.create(row.request(), row.password());
            } catch (RuntimeException e) {
                progress.finish();
                context.err().println("row " + row.rowNumber() + ": " + e.getMessage()
                    + "; rows before it were imported, run the same import again to finish");
                throw e;
            }
            progress.step(1);
        }
        progress.finish();
        context.out().printf("imported %d account(s), %d already present%n", validation.toCreate().size(), validation.alreadyPresent());
        return ExitCodes.OK;
    }
}
