package org.civicmail.server;

/** One bound listener, printed at start as {@code NAME HOST:PORT} so people and scripts find it. */
public record ListenerAddress(String name, String host, int port) {
    @Override
    public String toString() {
        return name + " " + host + ":" + port;
    }
}
