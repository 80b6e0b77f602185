package org.civicmail.login.imap;

import java.util.Collection;
import java.util.Map;

import org.apache.james.imap.processor.AuthenticateProcessor;
import org.apache.james.imap.processor.CopyProcessor;
import org.apache.james.imap.processor.IdProcessor;
import org.apache.james.imap.processor.LoginProcessor;
import org.apache.james.imap.processor.MoveProcessor;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;
import org.civicmail.imap.uidplus.UidPlusCopyProcessor;
import org.civicmail.imap.uidplus.UidPlusMoveProcessor;

import com.google.common.collect.ImmutableList;

/**
 * James's default IMAP command set with our processors in place of some of James's (named in {@code imapserver.xml}
 * as {@code imapPackages}): LOGIN, AUTHENTICATE and ID (login policy), COPY and MOVE (COPYUID with UIDs, before the
 * EXPUNGEs: {@code org.civicmail.imap.uidplus}). Everything else stays James's own.
 */
public class CivicImapPackage implements ImapPackage {
    private static final Map<String, String> REPLACED = Map.of(
        LoginProcessor.class.getCanonicalName(), ThrottledLoginProcessor.class.getCanonicalName(),
        AuthenticateProcessor.class.getCanonicalName(), ThrottledAuthenticateProcessor.class.getCanonicalName(),
        IdProcessor.class.getCanonicalName(), FrontEndIdProcessor.class.getCanonicalName(),
        CopyProcessor.class.getCanonicalName(), UidPlusCopyProcessor.class.getCanonicalName(),
        MoveProcessor.class.getCanonicalName(), UidPlusMoveProcessor.class.getCanonicalName());

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
