package org.civicmail.cli.bench;

import java.util.List;

import org.civicmail.cli.CommandModule;

/** The top-level commands of module bench, joined to {@code ./civicmail} through META-INF/services. */
public final class BenchCommands implements CommandModule {
    @Override
    public List<Class<?>> commands() {
        return List.of(SmimeBenchCommand.class, BenchCommand.class);
    }
}
