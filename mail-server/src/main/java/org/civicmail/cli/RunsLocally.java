package org.civicmail.cli;

/**
 * A command that always runs in the CLI's own process, never forwarded to a running server over the admin API:
 * it starts a server of its own ({@code start}, the benchmarks with a throw-away server) or is a client of one.
 */
public interface RunsLocally {
}
