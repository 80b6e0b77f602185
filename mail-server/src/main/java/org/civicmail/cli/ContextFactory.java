package org.civicmail.cli;

import java.lang.reflect.Constructor;

import picocli.CommandLine;

/** Creates command objects, handing the {@link CliContext} to those whose constructor takes one. */
final class ContextFactory implements CommandLine.IFactory {
    private final CliContext context;

    ContextFactory(CliContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        try {
            Constructor<K> withContext = cls.getDeclaredConstructor(CliContext.class);
            withContext.setAccessible(true);
            return withContext.newInstance(context);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
