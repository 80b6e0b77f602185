package org.civicmail.james;

import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;

/**
 * James's JPA recipient rewrite table (aliases, forwards, error mappings) with its stored mappings remembered in
 * memory until the table is changed (issue 14). Each inbound message read the table twice per recipient (SMTP's
 * RCPT check and the {@code RecipientRewriteTable} mailet), a JPA query each, almost always to find nothing: about
 * 0.4 ms of CPU per message in the mail-flow benchmark's JFR. Every change of James 3.8.1's table goes through
 * {@link #addMapping} or {@link #removeMapping} (each typed add/remove of the API calls one of them), which forget
 * everything before and after the change ({@link ReadThroughCache}), so a new alias or error mapping applies to the
 * very next look-up. Embedded Derby admits one process, so nothing else changes the table.
 */
public class CachedRecipientRewriteTable extends JPARecipientRewriteTable {
    /** Sources looked up (recipients, their domains); a full table is emptied. */
    static final int MAX_ENTRIES = 100_000;

    private final ReadThroughCache<MappingSource, Mappings> stored = new ReadThroughCache<>(MAX_ENTRIES, mappings -> true);

    @Override
    public Mappings getStoredMappings(MappingSource source) throws RecipientRewriteTableException {
        return stored.get(source, () -> super.getStoredMappings(source));
    }

    @Override
    public void addMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.changing(() -> super.addMapping(source, mapping));
    }

    @Override
    public void removeMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.changing(() -> super.removeMapping(source, mapping));
    }
}
