package org.civicmail.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where everything of one CivicMail installation lives on disk. Back up = stop the server, copy this directory. */
public final class DataDirectory {
    private final Path root;

    public DataDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** James's working directory: its rendered configuration, file mail repositories, queue journal, search index. */
    public Path james() {
        return root.resolve("james");
    }

    public Path jamesConf() {
        return james().resolve("conf");
    }

    /** James's JPA tables (mailboxes, messages, users, domains, aliases, quotas). */
    public Path jamesDerby() {
        return root.resolve("derby").resolve("james");
    }

    /** CivicMail's own tables (accounts, certificates, broadcasts). */
    public Path civicDerby() {
        return root.resolve("derby").resolve("civicmail");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path ca() {
        return root.resolve("ca");
    }

    public Path adminToken() {
        return root.resolve("admin.token");
    }

    /** Written while a server runs: the listeners it bound, for the CLI and scripts. */
    public Path runFile() {
        return root.resolve("server.run");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public void create() throws IOException {
        for (Path p : new Path[] {root, james(), keys(), ca(), logs(), root.resolve("derby")}) {
            Files.createDirectories(p);
        }
    }
}
