package org.civicmail.bench.mailflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process from Linux's /proc (0 where /proc does not answer, e.g. the process is gone). */
final class ProcessMemory {
    private ProcessMemory() {
    }

    static long peakKib(long pid) {
        return field(pid, "VmHWM:");
    }

    static long currentKib(long pid) {
        return field(pid, "VmRSS:");
    }

    private static long field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
