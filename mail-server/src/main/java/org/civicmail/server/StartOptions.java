package org.civicmail.server;

/**
 * How to start: {@code withListeners} false starts storage and services only (no sockets), for administrative
 * commands run while no server is up; {@code demo} allows a generated CA passphrase (see CaPassphrase).
 */
public record StartOptions(boolean withListeners, boolean demo) {
    public static final StartOptions SERVER = new StartOptions(true, false);
    public static final StartOptions OFFLINE = new StartOptions(false, false);
}
