package org.civicmail.cli.account;

import java.util.concurrent.Callable;

import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerLocation;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** An {@code account} command about one mailbox, named by its address. */
abstract class OneAccountCommand implements Callable<Integer> {
    final CliContext context;

    @Mixin
    ServerLocation location;

    @Parameters(paramLabel = "ADDR")
    String address;

    OneAccountCommand(CliContext context) {
        this.context = context;
        this.location = new ServerLocation(context);
    }
}
