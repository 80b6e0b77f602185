package org.civicmail.demo;

import java.io.PrintWriter;

import org.civicmail.cli.DemoData;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;

/** {@code start --demo} finds {@link DemoSetup} through this (META-INF/services), when module bench is on the class path. */
public final class DemoSetupData implements DemoData {
    @Override
    public void create(CivicMailServer server, DataDirectory data, PrintWriter out) throws Exception {
        new DemoSetup(server, data, out).run();
    }
}
