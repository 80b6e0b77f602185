package org.civicmail.cli;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Top-level commands that live in another module and join {@code ./civicmail} when that module is on the class
 * path (found through {@link ServiceLoader}): the benchmarks of module {@code bench}, which the production jar does
 * not carry. Each class is created like the built-in commands (a constructor taking a {@link CliContext} gets one).
 */
public interface CommandModule {
    /** The picocli command classes, each annotated with its {@code @Command(name = ...)}. */
    List<Class<?>> commands();

    /** Every command class of every module on the class path. */
    static List<Class<?>> all() {
        return ServiceLoader.load(CommandModule.class).stream()
            .flatMap(provider -> provider.get().commands().stream()).toList();
    }
}
