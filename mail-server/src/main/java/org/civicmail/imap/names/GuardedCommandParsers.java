package org.civicmail.imap.names;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.inject.Singleton;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.base.AbstractImapCommandParser;
import org.apache.james.imap.decode.parser.UidCommandParser;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;
import org.apache.james.utils.GuiceGenericLoader;

import com.google.common.collect.ImmutableMap;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * Binds the IMAP command parsers (the decoders of the configured {@link ImapPackage}) each behind a
 * {@link MailboxNameGuard}. Installed with {@code Modules.override} over James's {@code IMAPServerModule}, whose own
 * binding of {@link ImapCommandParserFactory} it replaces; the parsers themselves stay James's (or our package's).
 * James's UID parser accepts only its own parser classes as sub-commands (UID COPY, UID FETCH...), so it is built
 * here over the unguarded parsers; it is itself guarded, which covers the names inside UID commands.
 */
public final class GuardedCommandParsers extends AbstractModule {
    private static final String UID_PARSER = UidCommandParser.class.getCanonicalName();

    @Provides
    @Singleton
    ImapCommandParserFactory guardedParsers(ImapPackage imapPackage, GuiceGenericLoader loader, StatusResponseFactory responses) {
        Map<String, AbstractImapCommandParser> unguarded = new HashMap<>();
        boolean uid = false;
        for (ClassName decoder : imapPackage.decoders()) {
            if (decoder.getName().equals(UID_PARSER)) {
                uid = true;
            } else {
                AbstractImapCommandParser parser = instantiate(loader, decoder);
                unguarded.put(key(parser.getCommand().getName()), parser);
            }
        }
        if (uid) {
            Map<String, AbstractImapCommandParser> subcommands = Map.copyOf(unguarded);
            UidCommandParser parser = new UidCommandParser(command -> subcommands.get(key(command)), responses);
            unguarded.put(key(parser.getCommand().getName()), parser);
        }
        Map<String, ImapCommandParser> guarded = unguarded.entrySet().stream()
            .collect(ImmutableMap.toImmutableMap(Map.Entry::getKey, e -> new MailboxNameGuard(e.getValue(), responses)));
        return command -> guarded.get(key(command));
    }

    private static String key(String command) {
        return command.toUpperCase(Locale.ROOT);
    }

    private static AbstractImapCommandParser instantiate(GuiceGenericLoader loader, ClassName parser) {
        try {
            return (AbstractImapCommandParser) loader.instantiate(parser);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("IMAP command parser " + parser.getName() + " named in imapserver.xml's imapPackages"
                + " is not on the class path", e);
        }
    }
}
