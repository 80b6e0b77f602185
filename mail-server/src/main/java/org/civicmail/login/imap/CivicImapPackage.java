package org.civicmail.login.imap;

import java.util.Collection;
import java.util.Map;

import org.apache.james.imap.processor.AuthenticateProcessor;
import org.apache.james.imap.processor.IdProcessor;
import org.apache.james.imap.processor.LoginProcessor;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;

import com.google.common.collect.ImmutableList;

/**
 * James's default IMAP command set with our LOGIN, AUTHENTICATE and ID processors in place of James's
 * (named in {@code imapserver.xml} as {@code imapPackages}). Everything else stays James's own.
 */
public class CivicImapPackage implements ImapPackage {
    private static final Map<String, String> REPLACED = Map.of(
        LoginProcessor.class.getCanonicalName(), ThrottledLoginProcessor.class.getCanonicalName(),
        AuthenticateProcessor.class.getCanonicalName(), ThrottledAuthenticateProcessor.class.getCanonicalName(),
        IdProcessor.class.getCanonicalName(), FrontEndIdProcessor.class.getCanonicalName());

    @Override
    public Collection<ClassName> processors() {
        return ImapPackage.DEFAULT.processors().stream()
            .map(c -> new ClassName(REPLACED.getOrDefault(c.getName(), c.getName())))
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public Collection<ClassName> decoders() {
        return ImapPackage.DEFAULT.decoders();
    }

    @Override
    public Collection<ClassName> encoders() {
        return ImapPackage.DEFAULT.encoders();
    }
}
