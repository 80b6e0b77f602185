package org.civicmail.imap.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CommentNamesTest {
    @Test
    void aCommentAfterABareAddressNamesIt() {
        assertThat(CommentNames.of("user@host.example (Real Name), Other <o@host.example> (not this),"
            + " (before) b@host.example, \"Quoted (no comment)\" <q@host.example>, n@host.example (nested (comment))"))
            .isEqualTo(Map.of("user@host.example", "Real Name", "n@host.example", "nested (comment)"));
    }

    @Test
    void groupsAndEmptyCommentsAreNotNames() {
        assertThat(CommentNames.of("group: g@d.example (G), h@d.example ();, x@d.example"))
            .isEqualTo(Map.of("g@d.example", "G"));
    }
}
