package org.civicmail.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.ServerStartException;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;

/**
 * The CLI process's own context. When a command needs a service and no server runs, it starts CivicMail's
 * storage and services in this process (no listeners) and stops them when the command ends.
 */
final class LocalContext extends StreamContext implements ServerLocation.LocationAware, AutoCloseable {
    private Path dataDir;
    private Path confDir;
    /** The process's environment variables (the CA passphrase, read by the offline start and the ca commands). */
    private final Map<String, String> env;
    private CivicMailServer offlineServer;

    LocalContext(PrintStream out, PrintStream err, InputStream in, Path dataDir, Path confDir, Map<String, String> env) {
        super(out, err, in);
        this.dataDir = dataDir;
        this.confDir = confDir;
        this.env = Map.copyOf(env);
    }

    @Override
    public String getenv(String name) {
        return env.get(name);
    }

    @Override
    public void locate(Path data, Path conf) {
        if (data != null) {
            dataDir = data;
        }
        if (conf != null) {
            confDir = conf;
        }
    }

    Path confDir() {
        return confDir;
    }

    @Override
    public Optional<Path> localConfDir() {
        return Optional.of(confDir);
    }

    DataDirectory data() {
        return new DataDirectory(dataDir);
    }

    CivicMailConfig config(Map<String, String> overrides) {
        return CivicMailConfig.load(confDir, overrides);
    }

    @Override
    public Path cwd() {
        return Path.of("").toAbsolutePath();
    }

    @Override
    public synchronized <T> T service(Class<T> type) throws ServerStartException {
        if (offlineServer == null) {
            offlineServer = CivicMailServer.start(config(Map.of()), data(), StartOptions.OFFLINE.withEnvironment(env));
        }
        return offlineServer.service(type);
    }

    @Override
    public synchronized void close() {
        if (offlineServer != null) {
            offlineServer.close();
            offlineServer = null;
        }
    }
}
