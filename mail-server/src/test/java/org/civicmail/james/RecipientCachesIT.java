package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.user.api.UsersRepository;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * James's users and recipient rewrite table are remembered in memory ({@link KnownUsersCache},
 * {@link CachedRecipientRewriteTable}); these tests change them after the server has remembered an answer and check
 * that the very next look-up, over SMTP and through James's API, sees the change.
 */
class RecipientCachesIT {
    private static final String DOMAIN = "citizen.hangzhou.example";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();

    @Test
    void aRemovedUserIsRefusedAtTheNextRcptThoughItsExistenceWasRemembered() throws Exception {
        // Attack: mail keeps reaching (and filling) a mailbox whose James user is gone, because the server
        // remembers that the user existed.
        String address = "cache.removed@" + DOMAIN;
        addCitizen(address, "11010519491231002");
        UsersRepository users = server.server().service(UsersRepository.class);
        assertThat(users).isInstanceOf(KnownUsersCache.class);
        assertThat(rcpt(address)).startsWith("250");
        assertThat(rcpt(address)).startsWith("250");
        users.removeUser(Username.of(address));
        assertThat(users.contains(Username.of(address))).isFalse();
        assertThat(rcpt(address)).startsWith("5");
    }

    @Test
    void anAliasAddedOrRemovedAppliesToTheNextLookUpThoughTheEmptyAnswerWasRemembered() throws Exception {
        // Attack: a mapping added at run time (an alias, an error mapping closing a mailbox) is ignored because
        // the server remembers that the address had none; likewise a removed one keeps applying.
        RecipientRewriteTable table = server.server().service(RecipientRewriteTable.class);
        assertThat(table).isInstanceOf(CachedRecipientRewriteTable.class);
        MappingSource source = MappingSource.fromUser("cache.alias", DOMAIN);
        EnumSet<Mapping.Type> all = EnumSet.allOf(Mapping.Type.class);
        assertThat(table.getResolvedMappings("cache.alias", Domain.of(DOMAIN), all).isEmpty()).isTrue();
        assertThat(table.getStoredMappings(source).isEmpty()).isTrue();
        table.addAliasMapping(source, "cache.target@" + DOMAIN);
        assertThat(table.getStoredMappings(source).asStream().map(Mapping::asString))
            .anySatisfy(m -> assertThat(m).contains("cache.target@" + DOMAIN));
        assertThat(table.getResolvedMappings("cache.alias", Domain.of(DOMAIN), all).isEmpty()).isFalse();
        table.removeAliasMapping(source, "cache.target@" + DOMAIN);
        assertThat(table.getStoredMappings(source).isEmpty()).isTrue();
        assertThat(table.getResolvedMappings("cache.alias", Domain.of(DOMAIN), all).isEmpty()).isTrue();
    }

    private static void addCitizen(String address, String first17) throws Exception {
        CliResult r = server.cli("correct horse 1\n", "account", "add", "--class", "citizen", "--address", address,
            "--name", "缓存", "--id-number", TestIds.residentId(first17), "--password-stdin");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    private static String rcpt(String address) throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO outside.example");
            assertThat(smtp.send("MAIL FROM:<friend@outside.example>")).startsWith("250");
            return smtp.send("RCPT TO:<" + address + ">");
        }
    }
}
