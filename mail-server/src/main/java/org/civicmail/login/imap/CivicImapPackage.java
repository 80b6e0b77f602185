package org.civicmail.login.imap;

import java.util.Collection;
import java.util.Map;

import org.apache.james.imap.encode.StatusResponseEncoder;
import org.apache.james.imap.processor.AuthenticateProcessor;
import org.apache.james.imap.processor.CopyProcessor;
import org.apache.james.imap.processor.ExamineProcessor;
import org.apache.james.imap.processor.IdProcessor;
import org.apache.james.imap.processor.IdleProcessor;
import org.apache.james.imap.processor.LoginProcessor;
import org.apache.james.imap.processor.MoveProcessor;
import org.apache.james.imap.processor.SearchProcessor;
import org.apache.james.imap.processor.SelectProcessor;
import org.apache.james.imap.processor.fetch.FetchProcessor;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;
import org.civicmail.imap.condstore.ModifiedResponseEncoder;
import org.civicmail.imap.condstore.QresyncExamineProcessor;
import org.civicmail.imap.condstore.QresyncSelectProcessor;
import org.civicmail.imap.fetch.PartNumberingFetchProcessor;
import org.civicmail.imap.search.MinMaxModSeqSearchProcessor;
import org.civicmail.imap.uidplus.UidPlusCopyProcessor;
import org.civicmail.imap.uidplus.UidPlusMoveProcessor;
import org.civicmail.imap.view.SerialIdleProcessor;

import com.google.common.collect.ImmutableList;

/**
 * James's default IMAP command set with our processors in place of some of James's (named in {@code imapserver.xml}
 * as {@code imapPackages}): LOGIN, AUTHENTICATE and ID (login policy), COPY and MOVE (COPYUID with UIDs, before the
 * EXPUNGEs: {@code org.civicmail.imap.uidplus}), FETCH (RFC 3501 part numbers of message/rfc822 parts, ENVELOPE names
 * from comments: {@code org.civicmail.imap.fetch}), IDLE (its answers written by one writer at a time:
 * {@code org.civicmail.imap.view.SerialIdleProcessor}), SEARCH (the MODSEQ of an ESEARCH MIN/MAX answer:
 * {@code org.civicmail.imap.search}); the status response encoder writes CONDSTORE's MODIFIED code
 * right and SELECT/EXAMINE report every message expunged below the lowest remaining UID in a QRESYNC resync
 * ({@code org.civicmail.imap.condstore}, where CONDSTORE's Guice binding also lives). Everything else stays James's own.
 */
public class CivicImapPackage implements ImapPackage {
    private static final Map<String, String> REPLACED = Map.of(
        LoginProcessor.class.getCanonicalName(), ThrottledLoginProcessor.class.getCanonicalName(),
        AuthenticateProcessor.class.getCanonicalName(), ThrottledAuthenticateProcessor.class.getCanonicalName(),
        IdProcessor.class.getCanonicalName(), FrontEndIdProcessor.class.getCanonicalName(),
        CopyProcessor.class.getCanonicalName(), UidPlusCopyProcessor.class.getCanonicalName(),
        MoveProcessor.class.getCanonicalName(), UidPlusMoveProcessor.class.getCanonicalName(),
        FetchProcessor.class.getCanonicalName(), PartNumberingFetchProcessor.class.getCanonicalName(),
        SelectProcessor.class.getCanonicalName(), QresyncSelectProcessor.class.getCanonicalName(),
        ExamineProcessor.class.getCanonicalName(), QresyncExamineProcessor.class.getCanonicalName(),
        IdleProcessor.class.getCanonicalName(), SerialIdleProcessor.class.getCanonicalName(),
        SearchProcessor.class.getCanonicalName(), MinMaxModSeqSearchProcessor.class.getCanonicalName());

    private static final Map<String, String> REPLACED_ENCODERS = Map.of(
        StatusResponseEncoder.class.getCanonicalName(), ModifiedResponseEncoder.class.getCanonicalName());

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
        return ImapPackage.DEFAULT.encoders().stream()
            .map(c -> new ClassName(REPLACED_ENCODERS.getOrDefault(c.getName(), c.getName())))
            .collect(ImmutableList.toImmutableList());
    }
}
