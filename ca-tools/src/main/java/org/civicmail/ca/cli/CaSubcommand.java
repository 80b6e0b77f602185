package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.InvalidInputException;

/** Base of the {@code ca} commands: maps {@link CaException}s to a message on stderr and an exit code. */
abstract class CaSubcommand implements Callable<Integer> {

    abstract CaEnvironment env();

    /** Runs the command; returns the exit code. */
    abstract int execute(CaEnvironment env) throws IOException;

    @Override
    public final Integer call() {
        CaEnvironment env = env();
        try {
            return execute(env);
        } catch (CaException e) {
            env.err().println("error: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            env.err().println("error: " + e.getMessage());
            return 1;
        }
    }

    static CertificateAuthority ca(CaEnvironment env) {
        return env.authority();
    }

    static Path resolve(CaEnvironment env, Path file) {
        return env.workingDirectory().resolve(file);
    }

    static InvalidInputException bad(String message) {
        return new InvalidInputException(message);
    }
}
