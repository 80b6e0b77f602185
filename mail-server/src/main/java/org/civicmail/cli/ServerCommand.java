package org.civicmail.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;

/**
 * A command on an installation's data (accounts, broadcasts): it runs in the CLI process while no server runs, and
 * inside the running server otherwise; {@code --data}/{@code --conf} say which installation.
 */
public abstract class ServerCommand implements Callable<Integer> {
    protected final CliContext context;

    @Mixin
    protected ServerLocation location;

    protected ServerCommand(CliContext context) {
        this.context = context;
        this.location = new ServerLocation(context);
    }
}
