package org.civicmail.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.civicmail.config.CivicMailConfig;

/**
 * One real first start per configuration directory and JVM, whose stopped data directory {@link CivicMailExtension}
 * copies for every later in-process server that only needs a started one. A first start creates the CA (root and two
 * issuing CAs, each key file two PBKDF2 runs at 600,000 iterations), both Derby databases and their schemas, James's
 * JPA tables and our additions to them; a start on a copy opens them, as every restart does, about half the start's
 * CPU (README, CI wall time). What a copy shares with the other servers of the JVM: the CA's keys and certificates
 * (made once; no test compares two servers' CAs), the admin token and the demo CA passphrase file. The issuing CAs'
 * certificates name the template's CA HTTP port, as they name the old port after any restart on port 0.
 *
 * <p>Only servers whose configuration does not shape the data directory use it: every override must be one of
 * {@link #READ_AT_EACH_START}; any other key (CA key algorithm, subscriber keys, domains, trust anchors, ...), a data
 * fixture, an operator's CA passphrase or {@link CivicMailExtension#withOwnFirstStart} gets a first start of its own.
 */
final class FirstStarts {
    /**
     * Keys read at each start and never written into the data directory by a start: James's configuration, which holds
     * the relay gateway and the listeners' ports, is rendered anew at each start; quotas are set when an account is
     * added (the template has none); the others live in memory only.
     */
    static final Set<String> READ_AT_EACH_START = Set.of(CivicMailConfig.BROADCAST_BATCH, CivicMailConfig.RELAY_GATEWAY,
        CivicMailConfig.REJECT_CITY_FROM, "civicmail.quota.citizen.mib", "civicmail.login.free-failures",
        "civicmail.login.first-delay-seconds", "civicmail.login.max-delay-seconds");

    /** Per configuration directory: the template's data directory, stopped. */
    private static final Map<Path, Path> TEMPLATES = new HashMap<>();

    private FirstStarts() {
    }

    /**
     * Copies the template for {@code conf} to {@code data} (which must not exist), making the template first if this
     * JVM has none yet; nothing if {@code overrides} hold a key that shapes the data directory (the start then creates
     * it).
     */
    static void copyTemplate(Path conf, Map<String, String> overrides, Path data) throws Exception {
        if (!READ_AT_EACH_START.containsAll(overrides.keySet())) {
            return;
        }
        copy(template(conf.toAbsolutePath().normalize()), data);
    }

    private static synchronized Path template(Path conf) throws Exception {
        Path made = TEMPLATES.get(conf);
        if (made == null) {
            Path root = Files.createTempDirectory("civicmail-first-start-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(root), "delete " + root));
            made = root.resolve("data");
            CivicMailExtension.firstStartOn(made, conf, Map.of());
            TEMPLATES.put(conf, made);
        }
        return made;
    }

    /**
     * File by file with their permissions (owner-only, as the server made them). Derby's error log is left out: Derby
     * keeps writing the JVM's one {@code derby.log} wherever the JVM's first start put it, which may be the template.
     */
    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                if (p.getFileName().toString().equals("derby.log")) {
                    continue;
                }
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
