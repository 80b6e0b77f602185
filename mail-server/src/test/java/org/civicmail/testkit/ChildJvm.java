package org.civicmail.testkit;

import java.util.Arrays;
import java.util.List;

/**
 * JVM options for the JVMs tests start (forked servers, CLI processes): the build's
 * {@code civicmail.test.child-jvm-options} (parent pom, {@code test.jit-options}: C2 left to the hot loops of
 * these short-lived JVMs, which saves CPU the other test JVM waits for), none when a test runs outside Maven.
 */
public final class ChildJvm {
    public static final String OPTIONS_PROPERTY = "civicmail.test.child-jvm-options";

    private ChildJvm() {
    }

    public static List<String> options() {
        String options = System.getProperty(OPTIONS_PROPERTY, "").trim();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }
}
