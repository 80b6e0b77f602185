package org.civicmail.webmail.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mail server's CLI classes (module mail-server and its libraries) in a class loader of their own beside the
 * webmail's test class path, which must not see them (James's Jetty, Netty and javax.mail would clash with the
 * webmail's). Used by {@link WholeSystem#cli} to forward a command over the admin API the way the CLI process does,
 * with the CLI's own decision ({@code Main.forwardsToServer}) and client ({@code AdminClient}).
 */
final class CivicMailClasses {
    private static ClassLoader loader;

    private CivicMailClasses() {
    }

    private static synchronized ClassLoader loader() throws Exception {
        if (loader == null) {
            List<URL> urls = new ArrayList<>();
            urls.add(WholeSystem.ROOT.resolve("mail-server/target/classes").toUri().toURL());
            for (String entry : Files.readString(WholeSystem.ROOT.resolve("mail-server/target/civicmail.classpath")).trim()
                    .split(java.io.File.pathSeparator)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
            loader = new URLClassLoader("civicmail-cli", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    /**
     * {@code civicmail ARGS} forwarded to the server running on {@code data}, as the CLI process would forward it;
     * empty when the CLI would run the command itself or finds no running server there.
     *
     * @throws IllegalStateException naming the command and its output when it exits with a code other than 0
     */
    static Optional<String> forwarded(Path data, String... args) throws Exception {
        ClassLoader cli = loader();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(cli);
        try {
            Class<?> main = cli.loadClass("org.civicmail.cli.Main");
            if (!(Boolean) main.getMethod("forwardsToServer", String[].class).invoke(null, (Object) args)) {
                return Optional.empty();
            }
            Class<?> dataDirectory = cli.loadClass("org.civicmail.server.DataDirectory");
            Class<?> adminClient = cli.loadClass("org.civicmail.admin.AdminClient");
            Optional<?> admin = (Optional<?>) adminClient.getMethod("forRunningServer", dataDirectory)
                .invoke(null, dataDirectory.getConstructor(Path.class).newInstance(data));
            if (admin.isEmpty()) {
                return Optional.empty();
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int code;
            // One stream for both, as the CLI process's output is read (stderr redirected into stdout).
            try (PrintWriter out = new PrintWriter(output, true, StandardCharsets.UTF_8)) {
                code = (Integer) adminClient.getMethod("execute", String[].class, byte[].class, Path.class, PrintWriter.class,
                    PrintWriter.class).invoke(admin.get(), args, new byte[0], Path.of("").toAbsolutePath(), out, out);
            }
            String text = output.toString(StandardCharsets.UTF_8);
            if (code != 0) {
                throw new IllegalStateException("civicmail " + String.join(" ", args) + " failed (exit " + code + "):\n" + text);
            }
            return Optional.of(text);
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
