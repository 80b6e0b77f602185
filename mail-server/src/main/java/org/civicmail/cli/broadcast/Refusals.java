package org.civicmail.cli.broadcast;

import java.io.PrintWriter;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.cli.ExitCodes;

/** Prints a refused broadcast's problems (at most 50) and gives exit code 2: the input cannot be used as given. */
final class Refusals {
    private static final int MAX_SHOWN = 50;

    private Refusals() {
    }

    static int report(PrintWriter err, BroadcastRefusedException e) {
        err.println("error: " + e.summary());
        if (e.problems().size() > 1 || !e.problems().contains(e.summary())) {
            e.problems().stream().limit(MAX_SHOWN).forEach(p -> err.println("  " + p));
            if (e.problems().size() > MAX_SHOWN) {
                err.println("  ... and " + (e.problems().size() - MAX_SHOWN) + " more");
            }
        }
        err.flush();
        return ExitCodes.BAD_INPUT;
    }
}
