package org.civicmail.imap.fetch;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.processor.fetch.FetchProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

/**
 * FETCH with two answers corrected on their way out (James 3.8.1 computes the rest):
 * <ul>
 * <li>{@code BODY[<part number>...]} by RFC 3501 section 6.4.5 ({@link BodySections}). James numbers the parts of a
 * top-level message/rfc822 wrongly (BODY[1] gave the inner body, BODY[1.1] and BODY[1.HEADER] nothing) and fails the
 * whole FETCH for BODY[1.MIME]. Such sections are handed to James as cheap stand-ins (an empty HEADER.FIELDS of
 * the top level, which keeps James's \Seen and ordering rules) and their content is filled in from the stored
 * message by {@link FetchCorrections}.</li>
 * <li>ENVELOPE addresses written {@code user@host (Real Name)} get the comment as their name, as Dovecot does.</li>
 * </ul>
 */
public class PartNumberingFetchProcessor extends FetchProcessor {
    static final String STAND_IN_FIELD = "X-CivicMail-Part-Stand-In-";

    @Inject
    public PartNumberingFetchProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metricFactory) {
        super(mailboxManager, factory, metricFactory);
    }

    @Override
    protected reactor.core.publisher.Mono<Void> processRequestReactive(FetchRequest request, ImapSession session, Responder responder) {
        FetchData fetch = request.getFetch();
        List<BodyFetchElement> sections = new ArrayList<>(fetch.getBodyElements());
        boolean numbered = sections.stream().anyMatch(PartNumberingFetchProcessor::hasPartNumber);
        if (!numbered && !fetch.contains(FetchData.Item.ENVELOPE)) {
            return super.processRequestReactive(request, session, responder);
        }
        FetchRequest forJames = numbered
            ? new FetchRequest(request.isUseUids(), request.getIdSet(), withStandIns(fetch, sections), request.getTag())
            : request;
        return super.processRequestReactive(forJames, session, new FetchCorrections(responder, session, sections));
    }

    static boolean hasPartNumber(BodyFetchElement section) {
        return section.getPath() != null && section.getPath().length > 0;
    }

    /** The same request with every numbered section replaced by a distinct stand-in at the same position. */
    private static FetchData withStandIns(FetchData fetch, List<BodyFetchElement> sections) {
        FetchData.Builder builder = FetchData.builder();
        for (FetchData.Item item : FetchData.Item.values()) {
            if (fetch.contains(item)) {
                builder.fetch(item);
            }
        }
        if (fetch.getChangedSince() != -1) {
            builder.changedSince(fetch.getChangedSince());
        }
        builder.vanished(fetch.getVanished());
        boolean peek = !fetch.isSetSeen();
        for (int i = 0; i < sections.size(); i++) {
            BodyFetchElement section = sections.get(i);
            builder.add(hasPartNumber(section) ? standIn(i) : section, peek);
        }
        return builder.build();
    }

    private static BodyFetchElement standIn(int position) {
        String field = STAND_IN_FIELD + position;
        return new BodyFetchElement("BODY[HEADER.FIELDS (" + field + ")]", SectionType.HEADER_FIELDS, null, List.of(field), null, null);
    }
}
