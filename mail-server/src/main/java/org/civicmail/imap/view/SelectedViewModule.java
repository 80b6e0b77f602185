package org.civicmail.imap.view;

import org.apache.james.imap.api.process.ImapProcessor;

import com.google.inject.AbstractModule;

/**
 * Over James's {@code IMAPServerModule} (with {@code Modules.override}): the IMAP processor chain answers through
 * {@link AnnouncingProcessor}. The selection processors' part ({@link SelectedViews}) is wired in the IMAP package.
 */
public final class SelectedViewModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ImapProcessor.class).to(AnnouncingProcessor.class);
    }
}
