package org.civicmail.broadcast.input;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a personalised broadcast's data file, opened each time they are read (checked, validated, stored)
 * instead of held: a file on disk (the CLI; a data file of a million rows stays on disk) or bytes already received
 * (the REST API, whose request body is bounded).
 */
@FunctionalInterface
public interface DataSource {
    InputStream open() throws IOException;

    static DataSource of(byte[] bytes) {
        return () -> new ByteArrayInputStream(bytes);
    }

    static DataSource of(Path file) {
        return () -> Files.newInputStream(file);
    }
}
