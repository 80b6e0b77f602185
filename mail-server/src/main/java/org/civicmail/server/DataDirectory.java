package org.civicmail.server;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where everything of one CivicMail installation lives on disk. Back up = stop the server, copy this directory.
 * <p>
 * It holds mail, keys and secrets, so it is the owner's alone: directories 700, files 600. The {@code civicmail}
 * launcher runs the JVM under {@code umask 077} (a JVM cannot set its own umask), the directories created here are
 * 700 whatever the umask, and {@link #create()} takes group and other permissions away from anything it finds
 * (a directory copied or restored carelessly), saying what it changed.
 */
public final class DataDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

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

    /** Creates the layout owner-only and makes whatever is already there owner-only (with a warning). */
    public void create() throws IOException {
        if (Files.exists(root)) {
            List<String> changed = makeOwnerOnly();
            if (!changed.isEmpty()) {
                LOG.warn("The data directory {} was open to other users: removed group and other permissions from {} "
                    + "file(s) and directories, e.g. {}. Keep it owner-only (start CivicMail through ./civicmail, which "
                    + "sets umask 077).", root, changed.size(), changed.subList(0, Math.min(5, changed.size())));
            }
        }
        for (Path p : new Path[] {root, james(), keys(), ca(), logs(), root.resolve("derby")}) {
            createOwnerOnlyDirectory(p);
        }
    }

    /** A directory (and missing parents inside the data directory) with mode 700 whatever the process umask. */
    public static Path createOwnerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, OWNER_ONLY_DIRECTORY);
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
        return dir;
    }

    /**
     * Takes group and other permissions away from everything under the root (the root included); returns each
     * path it changed with its old mode, e.g. {@code james/conf/smtpserver.xml was rw-r--r--}.
     */
    List<String> makeOwnerOnly() throws IOException {
        List<String> changed = new ArrayList<>();
        if (!Files.getFileStore(root).supportsFileAttributeView("posix")) {
            return changed;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                restrict(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // Symbolic links have no permissions of their own; what they point to is not ours to change.
                if (!attrs.isSymbolicLink()) {
                    restrict(file);
                }
                return FileVisitResult.CONTINUE;
            }

            private void restrict(Path path) throws IOException {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> ownerOnly = EnumSet.copyOf(mode);
                ownerOnly.removeAll(GROUP_AND_OTHERS);
                if (!ownerOnly.equals(mode)) {
                    Files.setPosixFilePermissions(path, ownerOnly);
                    String name = path.equals(root) ? "." : root.relativize(path).toString();
                    changed.add(name + " was " + PosixFilePermissions.toString(mode));
                }
            }
        });
        return changed;
    }
}
