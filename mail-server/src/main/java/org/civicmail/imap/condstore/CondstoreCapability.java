package org.civicmail.imap.condstore;

import org.apache.james.imap.processor.CapabilityProcessor;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Binds {@link CapabilityProcessor} to {@link CondstoreCapabilityProcessor}, over James's {@code IMAPServerModule}
 * (with {@code Modules.override}). A Guice binding rather than a replacement in the IMAP package: James's ENABLE
 * processor is injected with the bound {@code CapabilityProcessor} and asks it what may be enabled, so the processor
 * that answers CAPABILITY and the one ENABLE consults must be the same object.
 */
public final class CondstoreCapability extends AbstractModule {
    @Override
    protected void configure() {
        bind(CapabilityProcessor.class).to(CondstoreCapabilityProcessor.class);
        bind(CondstoreCapabilityProcessor.class).in(Scopes.SINGLETON);
    }
}
