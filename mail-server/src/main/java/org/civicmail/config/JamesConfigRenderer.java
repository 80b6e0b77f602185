package org.civicmail.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.server.DataDirectory;
import org.civicmail.server.SecretFiles;

/**
 * Renders the James configuration templates of {@code conf/james/} into the directory James reads, replacing
 * {@code ${name}} with values. A template that names a value we do not have is a start-up error (naming the file
 * and the name), never a silently empty setting.
 */
public final class JamesConfigRenderer {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9.\\-]+)}");

    private JamesConfigRenderer() {
    }

    public static void render(Path templateDir, Path targetDir, Map<String, String> values) throws IOException {
        if (!Files.isDirectory(templateDir)) {
            throw new ConfigException("James configuration templates not found at " + templateDir.toAbsolutePath()
                + "; pass --conf DIR pointing at CivicMail's conf directory (it holds james/)");
        }
        DataDirectory.createOwnerOnlyDirectory(targetDir);
        try (DirectoryStream<Path> templates = Files.newDirectoryStream(templateDir, "*.{xml,properties}")) {
            for (Path template : templates) {
                String rendered = substitute(template, Files.readString(template, StandardCharsets.UTF_8), values);
                // Owner-only like a key file: the rendered files hold the TLS key store's secret.
                SecretFiles.write(targetDir.resolve(template.getFileName()), rendered.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static String substitute(Path template, String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new ConfigException(template + " uses ${" + m.group(1) + "}, which CivicMail does not define; "
                    + "remove it or use one of " + values.keySet().stream().sorted().toList());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
