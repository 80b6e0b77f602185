package org.civicmail.schema;

/** A schema could not be brought to this version's layout; the message names the schema, the step and the fix. */
public final class SchemaMigrationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public SchemaMigrationException(String message, Throwable cause) {
        super(message, cause);
    }

    public SchemaMigrationException(String message) {
        super(message);
    }
}
