package org.civicmail.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.ByteSequence;
import org.civicmail.mime.HeaderCharset;

/**
 * Reads a stored message into its {@link MessageText}. Header fields are taken from their raw bytes
 * ({@link HeaderCharset}: UTF-8, else GB18030), unfolded, then RFC 2047 encoded words are decoded; text parts are
 * read in their declared charset (UTF-8, else GB18030, when none is declared or the declared one does not fit).
 * At most {@link #MAX_BODY_CHARS} characters of body text are kept, so one huge message cannot exhaust the index.
 */
public final class MessageTextReader {
    /** Body text beyond this many characters is not searchable (about 1 MiB of Chinese text). */
    public static final int MAX_BODY_CHARS = 1 << 20;
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "to", "cc", "bcc");
    private static final Charset GB18030 = Charset.forName("GB18030");
    private static final Pattern SCRIPT_OR_STYLE = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);");

    private MessageTextReader() {
    }

    public static MessageText read(InputStream message) throws IOException {
        Collector collector = new Collector();
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentDecoding(true);
        parser.setContentHandler(collector);
        try {
            parser.parse(message);
        } catch (MimeException e) {
            throw new IOException("the message cannot be parsed for the search index: " + e.getMessage(), e);
        }
        Optional<LocalDate> sent = collector.headers.getOrDefault("date", List.of()).stream().findFirst().flatMap(SentDay::of);
        return new MessageText(collector.headers, collector.addresses, collector.body.toString(), sent);
    }

    /** The value of a raw header field ("Name: value", possibly folded), decoded as a reader sees it. */
    public static String fieldValue(byte[] rawField) {
        String field = HeaderCharset.decode(rawField);
        int colon = field.indexOf(':');
        return DecoderUtil.decodeEncodedWords(unfold(colon < 0 ? field : field.substring(colon + 1)).strip(), DecodeMonitor.SILENT);
    }

    private static String unfold(String value) {
        return value.replaceAll("\r?\n(?=[ \t])", "").replace("\r", "").replace("\n", "");
    }

    private static final class Collector extends AbstractContentHandler {
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final Map<String, List<String>> addresses = new LinkedHashMap<>();
        final StringBuilder body = new StringBuilder();
        private int messages;
        private int parts;

        @Override
        public void startMessage() {
            messages++;
        }

        @Override
        public void endMessage() {
            messages--;
        }

        @Override
        public void startBodyPart() {
            parts++;
        }

        @Override
        public void endBodyPart() {
            parts--;
        }

        @Override
        public void field(Field field) {
            ByteSequence raw = field.getRaw();
            byte[] bytes = raw != null ? raw.toByteArray() : (field.getName() + ": " + field.getBody()).getBytes(StandardCharsets.UTF_8);
            String value = fieldValue(bytes);
            String name = field.getName().toLowerCase(Locale.ROOT);
            if (messages == 1 && parts == 0) {
                headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                if (ADDRESS_FIELDS.contains(name)) {
                    List<String> forms = addresses.computeIfAbsent(name, n -> new ArrayList<>());
                    forms.add(value);
                    forms.addAll(addressForms(HeaderCharset.decode(bytes)));
                }
            } else if (messages > 1 && parts > 0 && isReadable(name)) {
                append(name + ": " + value); // the header of a forwarded message is text its reader sees
            }
        }

        private static boolean isReadable(String name) {
            return name.equals("from") || name.equals("to") || name.equals("cc") || name.equals("subject") || name.equals("date");
        }

        @Override
        public void body(BodyDescriptor descriptor, InputStream in) throws IOException {
            if (!"text".equalsIgnoreCase(descriptor.getMediaType()) || body.length() >= MAX_BODY_CHARS) {
                return;
            }
            byte[] bytes = in.readNBytes(MAX_BODY_CHARS * 4);
            String text = decodeText(bytes, descriptor.getCharset());
            append("html".equalsIgnoreCase(descriptor.getSubType()) ? withoutTags(text) : text);
        }

        private void append(String text) {
            if (body.length() > 0) {
                body.append('\n');
            }
            body.append(text, 0, Math.min(text.length(), Math.max(0, MAX_BODY_CHARS - body.length())));
        }
    }

    /** Each mailbox as "display name <address>" and each group's name: what FROM/TO/CC find by substring. */
    private static List<String> addressForms(String field) {
        int colon = field.indexOf(':');
        String value = unfold(colon < 0 ? field : field.substring(colon + 1));
        List<String> forms = new ArrayList<>();
        AddressList list = LenientAddressParser.DEFAULT.parseAddressList(value);
        for (Address address : list) {
            if (address instanceof Mailbox mailbox) {
                forms.add(written(mailbox));
            } else if (address instanceof Group group) {
                forms.add(group.getName());
                for (Mailbox mailbox : group.getMailboxes()) {
                    forms.add(written(mailbox));
                }
            }
        }
        return forms;
    }

    private static String written(Mailbox mailbox) {
        String name = mailbox.getName();
        return name == null || name.isBlank() ? mailbox.getAddress() : name + " <" + mailbox.getAddress() + ">";
    }

    private static String decodeText(byte[] bytes, String declared) {
        Charset charset = null;
        try {
            if (declared != null && !declared.equalsIgnoreCase("us-ascii")) {
                charset = Charset.forName(declared);
            }
        } catch (RuntimeException unknown) {
            charset = null;
        }
        if (charset != null && !charset.equals(StandardCharsets.UTF_8)) {
            // GB2312 and GBK text often holds characters only their superset knows.
            return new String(bytes, charset.name().startsWith("GB") ? GB18030 : charset);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, GB18030);
        }
    }

    private static String withoutTags(String html) {
        String text = TAG.matcher(SCRIPT_OR_STYLE.matcher(html).replaceAll(" ")).replaceAll(" ");
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(entity(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String entity(String name) {
        switch (name) {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
            case "nbsp": return " ";
            default:
                int code = name.charAt(1) == 'x' || name.charAt(1) == 'X'
                    ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                return Character.isValidCodePoint(code) ? new String(Character.toChars(code)) : " ";
        }
    }
}
