package org.civicmail.cli;

/** The CLI's exit codes: scripts rely on them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
