package org.civicmail.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import org.civicmail.server.ListenerAddress;

/**
 * {@code DATA/server.run}: the listeners of the running server, one {@code NAME HOST:PORT} line each, after a comment
 * naming the process that wrote it (a file left by a killed server names a process that is gone).
 */
public record RunFile(List<ListenerAddress> listeners) {
    private static final String HEADER = "# CivicMail listeners; pid ";

    public static RunFile read(Path file) throws IOException {
        List<ListenerAddress> result = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .map(String::trim)
            .filter(l -> l.matches("\\S+ \\S+:\\d+"))
            .map(l -> {
                String[] nameAndAddress = l.split(" ");
                int colon = nameAndAddress[1].lastIndexOf(':');
                return new ListenerAddress(nameAndAddress[0], nameAndAddress[1].substring(0, colon),
                    Integer.parseInt(nameAndAddress[1].substring(colon + 1)));
            })
            .toList();
        return new RunFile(result);
    }

    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append(ProcessHandle.current().pid()).append('\n');
        listeners.forEach(l -> text.append(l).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The process id of the server that wrote {@code file}; empty when the file does not say. */
    public static Optional<Long> writer(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith(HEADER) && l.substring(HEADER.length()).matches("\\d+"))
            .map(l -> Long.parseLong(l.substring(HEADER.length())))
            .findFirst();
    }

    public Optional<Integer> port(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).map(ListenerAddress::port).findFirst();
    }
}
