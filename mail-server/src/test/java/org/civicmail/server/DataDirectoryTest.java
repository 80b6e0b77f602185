package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.civicmail.config.JamesConfigRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    // Attack: read a data directory restored from a backup with the usual 755/644 modes.
    @Test
    void aDirectoryOpenToOthersIsMadeOwnerOnlyAndEachChangeIsReported() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path secret = Files.writeString(Files.createDirectories(root.resolve("keys")).resolve("tls.p12"), "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(root.resolve("keys"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-x---"));
        Path fine = Files.writeString(root.resolve("admin.token"), "t");
        Files.setPosixFilePermissions(fine, PosixFilePermissions.fromString("rw-------"));

        DataDirectory data = new DataDirectory(root);
        assertThat(data.makeOwnerOnly()).containsExactlyInAnyOrder(". was rwxr-x---", "keys/tls.p12 was rw-rw-r--",
            "keys was rwxr-xr-x");
        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(data.makeOwnerOnly()).as("nothing left to change").isEmpty();
    }

    @Test
    void createdDirectoriesAreOwnerOnlyWhateverTheUmask() throws Exception {
        DataDirectory data = new DataDirectory(tmp.resolve("fresh"));
        data.create();
        for (Path p : new Path[] {data.root(), data.james(), data.keys(), data.ca(), data.logs()}) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
        }
    }

    @Test
    void theProcessUmaskIsReadFromTheKernel() throws Exception {
        // The judge: a shell started by this JVM inherits its umask and prints it.
        Process sh = new ProcessBuilder("sh", "-c", "umask").start();
        String printed = new String(sh.getInputStream().readAllBytes()).trim();
        assertThat(sh.waitFor()).isZero();
        assertThat(DataDirectory.processUmask()).contains(Integer.parseInt(printed, 8));
    }

    // Attack: read the TLS key store secret from the rendered smtpserver.xml.
    @Test
    void renderedJamesConfigurationIsOwnerOnly() throws Exception {
        Path templates = Files.createDirectories(tmp.resolve("templates"));
        Files.writeString(templates.resolve("smtpserver.xml"), "<secret>${tls.secret}</secret>");
        Path target = tmp.resolve("data/james/conf");
        JamesConfigRenderer.render(templates, target, Map.of("tls.secret", "s3cret"));
        assertThat(Files.readString(target.resolve("smtpserver.xml"))).isEqualTo("<secret>s3cret</secret>");
        assertThat(mode(target.resolve("smtpserver.xml"))).isEqualTo("rw-------");
        assertThat(mode(target)).isEqualTo("rwx------");
    }
}
