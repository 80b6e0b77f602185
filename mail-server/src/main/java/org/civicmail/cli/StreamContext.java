package org.civicmail.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The console half of a {@link CliContext}: UTF-8 writers over the streams a command's output goes to. */
abstract class StreamContext implements CliContext {
    private final PrintStream outStream;
    private final PrintStream errStream;
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;

    StreamContext(PrintStream outStream, PrintStream errStream, InputStream in) {
        this.outStream = outStream;
        this.errStream = errStream;
        this.out = new PrintWriter(new OutputStreamWriter(outStream, StandardCharsets.UTF_8), true);
        this.err = new PrintWriter(new OutputStreamWriter(errStream, StandardCharsets.UTF_8), true);
        this.in = in;
    }

    @Override
    public PrintWriter out() {
        return out;
    }

    @Override
    public PrintWriter err() {
        return err;
    }

    /** Flushes the writer first, so text written through either path keeps its order. */
    @Override
    public PrintStream outStream() {
        out.flush();
        return outStream;
    }

    @Override
    public PrintStream errStream() {
        err.flush();
        return errStream;
    }

    @Override
    public InputStream in() {
        return in;
    }

    void flush() {
        out.flush();
        err.flush();
    }
}
