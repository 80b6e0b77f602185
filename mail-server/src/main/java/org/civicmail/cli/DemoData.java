package org.civicmail.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;

import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;

/**
 * What {@code start --demo} adds to a started server: demo accounts of each class and sample mail. The
 * implementation lives in module {@code bench} (found through {@link ServiceLoader}), so the production jar carries
 * no demo data; {@code ./civicmail} puts that module on the class path.
 */
public interface DemoData {
    /** Creates what is missing (idempotent) and prints the accounts' passwords. */
    void create(CivicMailServer server, DataDirectory data, PrintWriter out) throws Exception;

    /** The demo data on the class path; checked before the server starts, so a start never half-happens. */
    static DemoData find() {
        return ServiceLoader.load(DemoData.class).findFirst().orElseThrow(() -> new BadInputException(
            "--demo needs the demo data of module bench on the class path (bench/target/classes); ./civicmail puts it"
                + " there, or build it with `mvn -B package -DskipTests`"));
    }
}
