package org.civicmail.webmail.imap;

import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * Fetches list rows in one round trip: flags, arrival date, size and the raw bytes of the header fields the list
 * shows. The header bytes are decoded here (RFC 6532 UTF-8, GB18030 fallback) rather than taken from ENVELOPE,
 * where servers replace 8-bit bytes with '?'. {@code BODY.PEEK} leaves \Seen alone.
 */
final class ListRows {

    static final String SIGNATURE = "X-CivicMail-Signature";
    static final String WARNING = "X-CivicMail-Warning";
    private static final String FIELDS = "FROM SUBJECT DATE REPLY-TO " + SIGNATURE + " " + WARNING;

    private ListRows() {}

    /** @param numbers message sequence numbers; rows come back in the same order */
    static List<MessageSummary> fetch(IMAPFolder f, int[] numbers) throws MessagingException {
        if (numbers.length == 0) {
            return List.of();
        }
        StringJoiner set = new StringJoiner(",");
        for (int n : numbers) {
            set.add(Integer.toString(n));
        }
        List<Row> rows = new ArrayList<>();
        f.doCommand(p -> {
            Response[] rs = p.command("FETCH " + set + " (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS ("
                    + FIELDS + ")])", null);
            Response result = rs[rs.length - 1];
            for (Response r : rs) {
                if (r instanceof FetchResponse fr && fr.getItem(UID.class) != null) {
                    rows.add(row(fr));
                }
            }
            p.notifyResponseHandlers(rs);
            p.handleResult(result);
            return null;
        });
        List<MessageSummary> out = new ArrayList<>();
        for (int n : numbers) {
            rows.stream().filter(r -> r.number == n).findFirst().ifPresent(r -> out.add(r.summary));
        }
        return out;
    }

    private record Row(int number, MessageSummary summary) {}

    private static Row row(FetchResponse fr) {
        long uid = fr.getItem(UID.class).uid;
        FLAGS flags = fr.getItem(FLAGS.class);
        INTERNALDATE internal = fr.getItem(INTERNALDATE.class);
        RFC822SIZE size = fr.getItem(RFC822SIZE.class);
        BODY body = fr.getItem(BODY.class);
        HeaderFields h = HeaderFields.parse(body == null ? new byte[0] : body.getByteArray().getNewBytes());
        InternetAddress from = h.firstAddress("From");
        InternetAddress replyTo = h.firstAddress("Reply-To");
        Instant date = internal != null && internal.getDate() != null ? internal.getDate().toInstant() : sentDate(h);
        return new Row(fr.getNumber(), new MessageSummary(uid,
                from == null ? null : from.getPersonal(), from == null ? "" : from.getAddress(),
                replyTo == null ? null : replyTo.getAddress(), h.text("Subject"), date,
                flags != null && flags.contains(Flags.Flag.SEEN), flags != null && flags.contains(Flags.Flag.FLAGGED),
                h.joined(SIGNATURE, ";"), h.joined(WARNING, ","), size == null ? 0 : size.size));
    }

    private static Instant sentDate(HeaderFields h) {
        String d = h.raw("Date");
        if (d == null) {
            return null;
        }
        try {
            return new MailDateFormat().parse(d).toInstant();
        } catch (ParseException e) {
            return null;
        }
    }
}
