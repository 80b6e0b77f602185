package org.civicmail.webmail.render;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.civicmail.webmail.i18n.HeaderText;

/** Picks the body and attachments out of a parsed message, and finds attachments again for download. */
public final class MessageRenderer {

    private static final Set<String> SAFE_TYPES = Set.of("application/pdf", "image/png", "image/jpeg", "image/gif",
            "text/plain", "text/csv", "application/zip", "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    private static final Set<String> INLINE_TYPES = Set.of("application/pdf", "image/png", "image/jpeg", "image/gif");

    private final HtmlSanitizer sanitizer = new HtmlSanitizer();

    public RenderedMessage render(MimeMessage m, boolean allowRemoteImages) throws MessagingException, IOException {
        Walk w = new Walk();
        w.visit(m);
        String html = null;
        int blocked = 0;
        if (w.html != null) {
            HtmlSanitizer.Result r = sanitizer.sanitise(w.html, allowRemoteImages);
            html = r.html();
            blocked = r.blockedImages();
        }
        InternetAddress[] from = addressField(m, "From");
        InternetAddress fromAddr = firstInternet(from);
        InternetAddress[] replyTo = addressField(m, "Reply-To");
        InternetAddress replyAddr = firstInternet(replyTo);
        return new RenderedMessage(addresses(from), fromAddr == null ? null : fromAddr.getAddress(),
                fromAddr == null ? null : fromAddr.getPersonal(),
                replyTo.length == 0 ? null : addresses(replyTo), replyAddr == null ? null : replyAddr.getAddress(),
                addresses(addressField(m, "To")), addresses(addressField(m, "Cc")),
                HeaderText.latin1Value(m.getHeader("Subject", null)),
                m.getSentDate() == null ? null : m.getSentDate().toInstant(), m.getMessageID(),
                html, html == null ? (w.text == null ? "" : w.text) : null, blocked, List.copyOf(w.attachments));
    }

    /** Opens attachment number {@code index} (as numbered by {@link #render}); {@code null} if absent. */
    public Download attachment(MimeMessage m, int index) throws MessagingException, IOException {
        Walk w = new Walk();
        w.visit(m);
        if (index < 0 || index >= w.parts.size()) {
            return null;
        }
        return new Download(w.attachments.get(index), w.parts.get(index).getInputStream());
    }

    /** An attachment and its decoded content. */
    public record Download(Attachment attachment, InputStream content) {}

    private static final class Walk {
        String html;
        String text;
        final List<Attachment> attachments = new ArrayList<>();
        final List<Part> parts = new ArrayList<>();

        void visit(Part p) throws MessagingException, IOException {
            String disposition = p.getDisposition();
            boolean isAttachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || p.getFileName() != null;
            if (p.isMimeType("multipart/*") && !isAttachment) {
                Multipart mp = (Multipart) p.getContent();
                if (p.isMimeType("multipart/signed")) {
                    visit(mp.getBodyPart(0));
                    return;
                }
                if (p.isMimeType("multipart/alternative")) {
                    BodyPart best = null;
                    for (int i = 0; i < mp.getCount(); i++) {
                        BodyPart bp = mp.getBodyPart(i);
                        if (bp.isMimeType("text/html") || best == null || bp.isMimeType("multipart/*")) {
                            best = bp;
                        }
                    }
                    if (best != null) {
                        visit(best);
                    }
                    return;
                }
                for (int i = 0; i < mp.getCount(); i++) {
                    visit(mp.getBodyPart(i));
                }
                return;
            }
            if (p.isMimeType("application/pkcs7-signature") || p.isMimeType("application/x-pkcs7-signature")) {
                return;
            }
            if (!isAttachment && p.isMimeType("text/html") && html == null && text == null) {
                html = readText(p);
                return;
            }
            if (!isAttachment && p.isMimeType("text/plain") && html == null && text == null) {
                text = readText(p);
                return;
            }
            String type = baseType(p.getContentType());
            String safeType = SAFE_TYPES.contains(type) ? type : "application/octet-stream";
            attachments.add(new Attachment(attachments.size(), safeFileName(p.getFileName(), attachments.size()),
                    safeType, decodedSize(p), INLINE_TYPES.contains(safeType)));
            parts.add(p);
        }
    }

    /** Size after transfer decoding (what the download will be), not the base64 size on the wire. */
    static long decodedSize(Part p) throws MessagingException, IOException {
        try (InputStream in = p.getInputStream()) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    static String readText(Part p) throws MessagingException, IOException {
        Object content;
        try {
            content = p.getContent();
        } catch (java.io.UnsupportedEncodingException e) {
            // unknown charset: show the bytes as UTF-8 rather than nothing
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (content instanceof String s) {
            return s;
        }
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String baseType(String contentType) {
        try {
            return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return "application/octet-stream";
        }
    }

    /** Strips paths, control and shell-hostile characters; keeps letters (including Chinese), digits, . - _ space. */
    public static String safeFileName(String raw, int index) {
        String name = raw;
        if (name != null) {
            try {
                name = MimeUtility.decodeText(name);
            } catch (IOException e) {
                // keep as is
            }
            name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
            name = name.replaceAll("[^\\p{L}\\p{N}._\\- ()]", "_").replaceAll("^[.\\s]+", "").strip();
            if (name.length() > 120) {
                name = name.substring(name.length() - 120);
            }
        }
        return name == null || name.isEmpty() ? "attachment-" + (index + 1) : name;
    }

    public static String addresses(Address[] list) {
        if (list == null) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (Address a : list) {
            if (a instanceof InternetAddress ia) {
                out.add(ia.getPersonal() != null ? ia.getPersonal() + " <" + ia.getAddress() + ">" : ia.getAddress());
            } else {
                out.add(a.toString());
            }
        }
        return String.join(", ", out);
    }

    /**
     * An address field decoded the 8-bit aware way (the parser reads header bytes as ISO-8859-1); a field that is
     * not a valid address list shows as one pseudo-address holding its text.
     */
    static InternetAddress[] addressField(MimeMessage m, String name) throws MessagingException {
        String raw = m.getHeader(name, ",");
        if (raw == null || raw.isBlank()) {
            return new InternetAddress[0];
        }
        String text = raw.chars().anyMatch(c -> c > 0x7f) && raw.chars().allMatch(c -> c <= 0xff)
                ? HeaderText.bytes(raw.getBytes(StandardCharsets.ISO_8859_1)) : raw;
        try {
            return InternetAddress.parseHeader(text, false);
        } catch (jakarta.mail.internet.AddressException e) {
            InternetAddress odd = new InternetAddress();
            odd.setAddress(HeaderText.decodeWords(text));
            return new InternetAddress[] {odd};
        }
    }

    private static InternetAddress firstInternet(Address[] list) {
        if (list != null && list.length > 0 && list[0] instanceof InternetAddress ia) {
            return ia;
        }
        return null;
    }
}
