package org.civicmail.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --data DIR} and {@code --conf DIR}, shared by every command that works on an installation. */
public class ServerLocation {
    private final LocationAware context;

    public ServerLocation(CliContext context) {
        this.context = context instanceof LocationAware aware ? aware : (data, conf) -> { };
    }

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: $CIVICMAIL_DATA or ./data).")
    void data(Path dir) {
        context.locate(dir, null);
    }

    @Option(names = "--conf", paramLabel = "DIR", description = "Configuration directory (default: ./conf).")
    void conf(Path dir) {
        context.locate(null, dir);
    }

    /** A context that can be pointed at another installation; the running server's context cannot. */
    public interface LocationAware {
        void locate(Path dataDir, Path confDir);
    }
}
