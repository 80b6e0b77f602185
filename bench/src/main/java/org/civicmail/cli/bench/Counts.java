package org.civicmail.cli.bench;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import org.civicmail.cli.BadInputException;

/** The counts a benchmark command is given (clients, seconds, messages…): checked once, against one rule. */
final class Counts {
    private Counts() {
    }

    /**
     * Stops the command unless every option in {@code options} (name → value) is at least {@code minimum}; the message
     * names each one that is not and what it got.
     */
    static void atLeast(int minimum, Map<String, Integer> options) {
        StringJoiner names = new StringJoiner(", ");
        StringJoiner got = new StringJoiner(", ");
        new TreeMap<>(options).forEach((name, value) -> {
            if (value < minimum) {
                names.add(name);
                got.add(String.valueOf(value));
            }
        });
        if (names.length() > 0) {
            throw new BadInputException(names + " must be at least " + minimum + " (got " + got + ")");
        }
    }
}
