package org.civicmail.bench.mailflow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code civicmail start} in its own JVM, as an operator runs it, so that the benchmark measures the server's memory
 * and not the load generator's. It inherits this JVM's -X/-XX options (the launcher's heap settings) and class path.
 */
final class ForkedCivicMail implements AutoCloseable {
    private final Process process;
    private final Map<String, Integer> ports;

    private ForkedCivicMail(Process process, Map<String, Integer> ports) {
        this.process = process;
        this.ports = ports;
    }

    static ForkedCivicMail start(Path data, Path conf, String caPassphrase, boolean webmail) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-X") || arg.startsWith("-Dcivicmail.home=")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.civicmail.cli.Main", "start",
            "--data", data.toString(), "--conf", conf.toString(), "-Dcivicmail.webmail.enabled=" + webmail));
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast", "webmail")) {
            command.add("-Dcivicmail." + key + ".port=0");
        }
        Files.createDirectories(data);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(data.resolve("bench-server.err").toFile());
        pb.environment().remove("CIVICMAIL_CA_PASSPHRASE_FILE");
        pb.environment().put("CIVICMAIL_CA_PASSPHRASE", caPassphrase);
        Process process = pb.start();
        Map<String, Integer> ports = new ConcurrentHashMap<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        String last = webmail ? "webmail" : "admin";
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 2 && parts[1].matches("[0-9.]+:\\d+")) {
                        ports.put(parts[0], Integer.parseInt(parts[1].substring(parts[1].lastIndexOf(':') + 1)));
                        if (parts[0].equals(last)) {
                            ready.complete(null);
                        }
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the server exited; see " + data.resolve("bench-server.err")));
        }, "bench-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(300, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the benchmark's server did not start; see " + data.resolve("bench-server.err"), e);
        }
        return new ForkedCivicMail(process, ports);
    }

    int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) {
            throw new IllegalStateException("the server printed no listener " + listener + "; have " + ports.keySet());
        }
        return port;
    }

    /** Peak resident memory (VmHWM) of the server and of each child process (the webmail), in KiB. */
    long peakRssKib() {
        long total = ProcessMemory.peakKib(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += ProcessMemory.peakKib(child.pid());
        }
        return total;
    }

    /** Current resident memory of the server and its children, in KiB. */
    long rssKib() {
        long total = ProcessMemory.currentKib(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += ProcessMemory.currentKib(child.pid());
        }
        return total;
    }

    /** SIGTERM; returns the seconds until the process and its children are gone. */
    double stop() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
