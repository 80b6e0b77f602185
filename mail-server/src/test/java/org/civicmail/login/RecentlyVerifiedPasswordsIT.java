package org.civicmail.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.AuthenticationFailedException;
import javax.mail.Store;

import org.civicmail.james.JamesDatabase;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Logins remembered for a few minutes ({@link RecentlyVerifiedPasswords}) against the real server: right after a
 * successful login — the moment the remembered verification is freshest — a wrong password, the old password after a
 * change, and the right password of a disabled account are all refused, over IMAP and SMTP AUTH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecentlyVerifiedPasswordsIT {
    static final String CITIZEN = "zhao.min@citizen.hangzhou.example";
    static final String OFFICIAL = "qian.wei@gov.hangzhou.example";
    static final String OLD = "old password 1";
    static final String NEW = "new password 2";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    MailClient client;

    @BeforeAll
    void accounts() throws Exception {
        client = new MailClient(server);
        cli(OLD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "赵敏",
            "--id-number", TestIds.residentId("33010519900101003"), "--password-stdin");
        cli(OLD + "\n", "account", "add", "--class", "official", "--address", OFFICIAL, "--name", "钱伟",
            "--agency", "杭州市民政局", "--employee-no", "MZ-0078", "--password-stdin");
    }

    private String cli(String stdin, String... args) {
        CliResult r = server.cli(stdin, args);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return r.out();
    }

    private void imapLogin(String user, String password) throws Exception {
        try (Store s = client.imap(user, password)) {
            assertThat(s.getFolder("INBOX").exists()).isTrue();
        }
    }

    @Test
    void aChangedPasswordIsRefusedAtOnceAndAWrongOneNever() throws Exception {
        // The stored form is read below James's API, from the live James schema (not the fallback's empty answer).
        JamesUserTable table = new JamesUserTable(new JamesDatabase(server.data().resolve("derby/james")));
        String storedBefore = table.current(CITIZEN).orElseThrow();
        assertThat(storedBefore).startsWith("PBKDF2-SHA512:");
        imapLogin(CITIZEN, OLD);
        imapLogin(CITIZEN, OLD);
        // Attack: a guess right after the owner's login, while the owner's verification is remembered.
        assertThatThrownBy(() -> imapLogin(CITIZEN, OLD + "x")).isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> imapLogin(CITIZEN, "")).isInstanceOf(AuthenticationFailedException.class);

        cli("", "account", "disable", CITIZEN);
        cli(NEW + "\n", "account", "enable", CITIZEN, "--password-stdin");
        // Attack: the old password (remembered a moment ago) after the owner changed it.
        assertThatThrownBy(() -> imapLogin(CITIZEN, OLD)).isInstanceOf(AuthenticationFailedException.class);
        imapLogin(CITIZEN, NEW);
        imapLogin(CITIZEN, NEW);
        assertThat(table.current(CITIZEN)).get().isNotEqualTo(storedBefore);
    }

    @Test
    void aDisabledAccountIsRefusedRightAfterARememberedLogin() throws Exception {
        client.send(OFFICIAL, OLD, client.message(OFFICIAL, CITIZEN, "登录 1", "正文"));
        imapLogin(OFFICIAL, OLD);
        cli("", "account", "disable", OFFICIAL);
        // Attack: the right password of a just-disabled account, over both doors, while its login is remembered.
        assertThat(MailClient.refusal(() -> client.send(OFFICIAL, OLD, client.message(OFFICIAL, CITIZEN, "登录 2", "正文"))))
            .contains("535 5.7.8 Account " + OFFICIAL + " is disabled");
        assertThatThrownBy(() -> imapLogin(OFFICIAL, OLD)).hasMessageContaining("[XDISABLED]");
        // Attack: a wrong password over SMTP AUTH after a remembered one.
        cli("", "account", "enable", OFFICIAL);
        client.send(OFFICIAL, OLD, client.message(OFFICIAL, CITIZEN, "登录 3", "正文"));
        assertThat(MailClient.refusal(() -> client.send(OFFICIAL, NEW, client.message(OFFICIAL, CITIZEN, "登录 4", "正文"))))
            .contains("535");
    }
}
