package org.civicmail.webmail.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One `civicmail start --demo` ({@link WholeSystem}) per test JVM, started by the first class that asks and stopped
 * when the JVM exits, for classes that leave the system as every other class expects it: they read the demo data, or
 * add their own folders and messages, and assert nothing about what another class may add. A start costs about 11 s
 * of CPU; failsafe runs these classes one after the other in one JVM ({@code system.SharedDemoSystemSuiteIT}), so
 * they share one start however many JVMs failsafe runs.
 * <p>
 * Not for classes that change what others see (disable accounts, throttle logins, revoke demo certificates,
 * non-default settings) or that are about the process (stop, kill -9): they start their own {@link WholeSystem}.
 * <p>
 * Why a JVM shutdown hook and not JUnit's root store: surefire and failsafe run each class of a reused fork in its own
 * launcher execution, which closes the root store's resources after every class.
 */
public final class SharedDemoSystem {
    private static WholeSystem system;

    private SharedDemoSystem() {
    }

    /** The running shared system; starts it on the first call of this JVM. */
    public static synchronized WholeSystem get() throws Exception {
        if (system == null) {
            Path dir = Files.createTempDirectory("civicmail-shared-demo");
            WholeSystem started = WholeSystem.start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started, dir), "shared-demo-system-stop"));
            system = started;
        }
        return system;
    }

    private static void stop(WholeSystem started, Path dir) {
        try {
            started.close();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            System.err.println("shared demo system: could not delete " + dir + ": " + e);
        } catch (Exception e) {
            System.err.println("shared demo system: stop failed: " + e);
        }
    }
}
