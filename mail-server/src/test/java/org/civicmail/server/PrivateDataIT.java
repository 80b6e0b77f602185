package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything under the data directory is the server user's alone, even when started from a umask-022 shell. */
class PrivateDataIT {
    static final String SENDER = "qian.li@gov.hangzhou.example";
    static final String READER = "sun.mei@citizen.hangzhou.example";
    static final String PASSWORD = "private-data-pass-1";

    @TempDir
    Path tmp;

    // Attack: another local user reads mail text from Derby's log, the spool journal or the search index, or the TLS
    // key store secret from the rendered James configuration.
    @Test
    void afterAMailRoundTripEveryFileIsOwnerOnly() throws Exception {
        Path data = ForkedServer.tempData(tmp);
        // A carelessly restored data directory: open to everyone.
        Path oldLog = Files.createDirectories(data.resolve("logs")).resolve("restored.log");
        Files.writeString(oldLog, "from a backup");
        Files.setPosixFilePermissions(oldLog, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data.resolve("logs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (ForkedServer server = ForkedServer.startWithLauncher(data, Map.of("civicmail.broadcast.port", "0"), "022")) {
            assertThat(server.output()).anySatisfy(line -> assertThat(line)
                .contains("The data directory " + data.toRealPath() + " was open to other users: removed group and other permissions from 3 ")
                .contains(". was rwxr-xr-x").contains("logs was rwxr-xr-x").contains("logs/restored.log was rw-r--r--"));
            assertThat(Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status")))
                .as("the launcher's umask, not the shell's 022").contains("Umask:\t0077");
            assertThat(server.output()).noneMatch(line -> line.contains("This process runs with umask"));

            // Real CLI processes, forwarding to the running server over the admin API (the other ITs take that path in process).
            assertThat(ForkedServer.runCli(data, PASSWORD, "account", "add", "--class", "official", "--address", SENDER, "--name", "钱力",
                "--agency", "杭州市民政局", "--employee-no", "MZ-3", "--password-stdin").exitCode()).isZero();
            assertThat(ForkedServer.runCli(data, PASSWORD, "account", "add", "--class", "citizen", "--address", READER, "--name", "孙梅",
                "--id-number", TestIds.residentId("33010619880808008"), "--password-stdin").exitCode()).isZero();
            MailClient client = new MailClient(server);
            client.send(SENDER, PASSWORD, client.message(SENDER, READER, "低保资格复核", "请于月底前提交材料"));
            await().atMost(Duration.ofSeconds(60)).until(() -> client.inboxSubjects(READER, PASSWORD).contains("低保资格复核"));

            // stat(1) as the judge, over every file and directory the server wrote while it still runs.
            List<String> open = new ArrayList<>();
            List<String> stat = stat(data);
            for (String line : stat) {
                String mode = line.substring(0, line.indexOf(' '));
                if (!mode.endsWith("00")) {
                    open.add(line);
                }
            }
            assertThat(stat).as("stat found the server's files").hasSizeGreaterThan(50)
                .anyMatch(l -> l.contains("derby/james/log/")).anyMatch(l -> l.contains("KahaDB"))
                .anyMatch(l -> l.endsWith("james/conf/smtpserver.xml"));
            assertThat(open).as("files or directories with any permission for group or others").isEmpty();
            assertThat(stat).filteredOn(l -> l.contains(" directory ")).allMatch(l -> l.startsWith("700 "));
            assertThat(stat).filteredOn(l -> l.contains(" regular ")).allMatch(l -> l.startsWith("600 "));
        }
    }

    private static List<String> stat(Path root) throws Exception {
        Process p = new ProcessBuilder("find", root.toString(), "-exec", "stat", "-c", "%a %F %n", "{}", "+")
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // find may race with a file the server deletes meanwhile (a rotated journal): only lines stat printed count.
        return out.lines().filter(l -> l.matches("[0-7]{3,4} .*")).toList();
    }
}
