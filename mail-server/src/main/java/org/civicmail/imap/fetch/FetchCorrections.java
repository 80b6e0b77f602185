package org.civicmail.imap.fetch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;

/**
 * Passes James's FETCH responses on, filling in the numbered body sections and the comment names of ENVELOPE
 * addresses (see {@link PartNumberingFetchProcessor}) and the text of raw 8-bit headers ({@link EightBitEnvelope}).
 * Reads the stored message once per response that needs it: whole when a numbered section was asked for, the header
 * only for an ENVELOPE with a nameless address or Latin-1-read 8-bit text.
 */
final class FetchCorrections implements Responder {
    private final Responder next;
    private final ImapSession session;
    private final List<BodyFetchElement> sections;

    FetchCorrections(Responder next, ImapSession session, List<BodyFetchElement> sections) {
        this.next = next;
        this.session = session;
        this.sections = sections;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        next.respond(message instanceof FetchResponse fetch ? correctedOrAsIs(fetch) : message);
    }

    /**
     * A message another session expunged after James built its response cannot be read again: James's own response
     * then goes out as it is (what the client would have got without the corrections), never a NO for the FETCH.
     */
    private FetchResponse correctedOrAsIs(FetchResponse response) {
        try {
            return corrected(response);
        } catch (RuntimeException gone) {
            return response;
        }
    }

    @Override
    public void flush() {
        next.flush();
    }

    private FetchResponse corrected(FetchResponse response) {
        boolean numbered = response.getElements() != null && sections.stream().anyMatch(PartNumberingFetchProcessor::hasPartNumber);
        boolean nameless = response.getEnvelope() != null && EnvelopeNames.hasNamelessAddress(response.getEnvelope());
        boolean quotedName = response.getEnvelope() != null && EnvelopeNames.hasQuotedName(response.getEnvelope());
        boolean eightBit = response.getEnvelope() != null && EightBitEnvelope.suspect(response.getEnvelope());
        if (!numbered && !nameless && !quotedName && !eightBit) {
            return response;
        }
        byte[] stored = numbered || nameless || eightBit ? read(response, numbered ? FetchGroup.FULL_CONTENT : FetchGroup.HEADERS) : null;
        MimeNode message = stored == null ? null : MimeNode.message(stored);
        List<FetchResponse.BodyElement> elements = response.getElements();
        if (numbered) {
            elements = new ArrayList<>(elements);
            for (int i = 0; i < sections.size() && i < elements.size(); i++) {
                BodyFetchElement section = sections.get(i);
                if (PartNumberingFetchProcessor.hasPartNumber(section)) {
                    elements.set(i, SectionContent.of(section, BodySections.content(stored, section.getPath(),
                        section.getSectionType(), section.getFieldNames())));
                }
            }
        }
        FetchResponse.Envelope envelope = nameless || quotedName ? EnvelopeNames.corrected(response.getEnvelope(), message)
            : response.getEnvelope();
        if (eightBit && EightBitEnvelope.hasRawEightBitHeader(stored)) {
            envelope = EightBitEnvelope.decoded(envelope);
        }
        return new FetchResponse(response.getMessageNumber(), response.getFlags(), response.getUid(), response.getSaveDate(),
            response.getModSeq(), response.getInternalDate(), response.getSize(), envelope, response.getBody(),
            response.getBodyStructure(), elements, response.getEmailId(), response.getThreadId());
    }

    private byte[] read(FetchResponse response, FetchGroup group) {
        SelectedMailbox selected = session.getSelected();
        MessageUid uid = Optional.ofNullable(response.getUid())
            .or(() -> selected.uid(response.getMessageNumber().asInt()))
            .orElseThrow(() -> new IllegalStateException("message " + response.getMessageNumber() + " has no UID"));
        try {
            MessageResultIterator results = selected.getMessageManager().getMessages(MessageRange.one(uid), group,
                session.getMailboxSession());
            if (!results.hasNext()) {
                throw new IllegalStateException("message UID " + uid.asLong() + " was expunged meanwhile");
            }
            MessageResult result = results.next();
            try (InputStream in = group == FetchGroup.HEADERS ? result.getHeaders().getInputStream()
                : result.getFullContent().getInputStream()) {
                return in.readAllBytes();
            }
        } catch (MailboxException e) {
            throw new IllegalStateException("cannot read message UID " + uid.asLong() + " for FETCH", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read message UID " + uid.asLong() + " for FETCH", e);
        }
    }

    /** One section's bytes, partial ({@code <first.count>}) as asked. */
    private record SectionContent(String name, byte[] bytes) implements FetchResponse.BodyElement {
        static SectionContent of(BodyFetchElement section, byte[] content) {
            Long first = section.getFirstOctet();
            if (first == null) {
                return new SectionContent(section.getResponseName(), content);
            }
            int from = (int) Math.min(first, content.length);
            long count = section.getNumberOfOctets() == null ? content.length : section.getNumberOfOctets();
            int to = (int) Math.min(content.length, from + count);
            return new SectionContent(section.getResponseName() + "<" + first + ">", Arrays.copyOfRange(content, from, to));
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }
    }
}
