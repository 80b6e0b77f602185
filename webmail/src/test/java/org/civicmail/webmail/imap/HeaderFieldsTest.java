package org.civicmail.webmail.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.civicmail.webmail.render.MessageRenderer;
import org.civicmail.webmail.render.RenderedMessage;
import org.civicmail.webmail.imap.ImapConnector;
import org.junit.jupiter.api.Test;

/** RFC 6532 raw UTF-8 headers, GB18030 fallback, encoded words, folding: in the list parser and the message view. */
class HeaderFieldsTest {

    static final Charset GB18030 = Charset.forName("GB18030");

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void eachFieldIsDecodedOnItsOwnUtf8OrGb18030() {
        byte[] raw = concat("From: 杭州市税务局 <a@b.example>\r\n".getBytes(StandardCharsets.UTF_8),
                "Subject: 退税通知\r\n".getBytes(GB18030),
                "Reply-To: =?UTF-8?B?5byg5LiJ?= <z@c.example>\r\nX-CivicMail-Warning: unsigned-official-sender\r\n"
                        .getBytes(StandardCharsets.US_ASCII),
                "X-CivicMail-Warning: display-name-impersonation\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        HeaderFields h = HeaderFields.parse(raw);
        assertEquals("杭州市税务局", h.firstAddress("From").getPersonal());
        assertEquals("a@b.example", h.firstAddress("From").getAddress());
        assertEquals("退税通知", h.text("Subject"));
        assertEquals("张三", h.firstAddress("reply-to").getPersonal());
        assertEquals("unsigned-official-sender,display-name-impersonation", h.joined("X-CivicMail-Warning", ","));
    }

    @Test
    void foldedFieldsAreUnfolded() {
        HeaderFields h = HeaderFields.parse("Subject: =?UTF-8?B?5YWz5LqO?=\r\n =?UTF-8?B?6YCA56iO?=\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("关于退税", h.text("subject"));
    }

    @Test
    void theMessageViewDecodesGb18030HeadersToo() throws Exception {
        byte[] raw = concat(("From: 社保中心 <gb@x.example>\r\nTo: 市民 <me@city.example>\r\nSubject: 社保缴费通知\r\n"
                + "Reply-To: 收款处 <pay@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GB18030\r\n\r\n")
                .getBytes(GB18030), "正文\r\n".getBytes(GB18030));
        RenderedMessage r = new MessageRenderer().render(
                new MimeMessage(ImapConnector.parsingSession(), new ByteArrayInputStream(raw)), false);
        assertEquals("社保缴费通知", r.subject());
        assertEquals("社保中心", r.fromName());
        assertEquals("gb@x.example", r.fromAddress());
        assertEquals("市民 <me@city.example>", r.to());
        assertEquals("pay@x.example", r.replyToAddress());
        assertEquals("正文\r\n", r.text());
    }
}
