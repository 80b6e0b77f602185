package org.civicmail.admin;

/**
 * Framing of the admin API's streamed response: {@code [type byte][int length][bytes]}, where type is
 * {@link #OUT} or {@link #ERR} for output as it is produced, and {@link #EXIT} (4-byte exit code) last.
 */
final class Frames {
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';

    private Frames() {
    }
}
