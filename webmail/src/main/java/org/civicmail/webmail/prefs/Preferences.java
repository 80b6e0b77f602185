package org.civicmail.webmail.prefs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Properties;

/**
 * Per-account display preferences (today: the age-friendly large-text mode), kept in one properties file
 * ({@code webmail.preferences}) so they follow the account to any browser. Without a file they live in memory
 * for the life of the process (the page also remembers them in a cookie). Writes replace the file atomically;
 * the file is owner-only. Thread-safe.
 */
public final class Preferences {

    private static final String LARGE = ".large-text";

    private final Path file;
    private final Properties values = new Properties();

    /** @param file the properties file, or {@code null} to keep preferences in memory only */
    public Preferences(Path file) {
        this.file = file;
        if (file != null && Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                values.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("webmail.preferences=" + file + ": cannot read: " + e.getMessage(), e);
            }
        }
    }

    public synchronized boolean largeText(String user) {
        return user != null && "true".equals(values.getProperty(key(user)));
    }

    public synchronized void largeText(String user, boolean on) {
        if (on) {
            values.setProperty(key(user), "true");
        } else {
            values.remove(key(user));
        }
        save();
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT) + LARGE;
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                values.store(out, "CivicMail webmail per-account preferences");
            }
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions protect it
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("webmail.preferences=" + file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
