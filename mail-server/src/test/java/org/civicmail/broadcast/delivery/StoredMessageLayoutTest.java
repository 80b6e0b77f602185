package org.civicmail.broadcast.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StoredMessageLayoutTest {
    private static final byte[] SIGNED_NOTICE = ("From: tax@gov.hangzhou.example\r\n"
        + "Subject: notice\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s1\"\r\n"
        + "\r\n"
        + "--s1\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "\r\n"
        + "明日检修。\r\n"
        + "--s1\r\n"
        + "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n"
        + "--s1--\r\n").getBytes(StandardCharsets.UTF_8);

    @Test
    void splitsHeaderFromBodyAndReadsTopLevelType() {
        StoredMessageLayout l = StoredMessageLayout.of(SIGNED_NOTICE);
        String header = new String(l.header(), StandardCharsets.UTF_8);
        assertEquals(true, header.endsWith("boundary=\"s1\"\r\n\r\n"), header);
        assertEquals(SIGNED_NOTICE.length, l.size());
        assertEquals("multipart", l.mediaType());
        assertEquals("signed", l.subType());
        assertNull(l.textualLineCount(), "James counts lines of text/* messages only");
    }

    @Test
    void countsLinesOfATextMessage() {
        byte[] text = "Subject: x\r\nContent-Type: text/plain\r\n\r\na\r\nb\r\nc\r\n".getBytes(StandardCharsets.US_ASCII);
        StoredMessageLayout l = StoredMessageLayout.of(text);
        assertEquals(3L, l.textualLineCount());
        assertEquals("us-ascii", l.properties().stream().filter(p -> p.getLocalName().equals("charset")).findFirst().orElseThrow().getValue());
    }

    @Test
    void aNoticeCopyParsedOnceEqualsTheCopyParsedWhole() {
        byte[] prefix = MessageComposer.recipientHeaders(SIGNED_NOTICE, "c1@citizen.hangzhou.example",
            "<bc.1.abc@mail.hangzhou.example>");
        StoredMessageLayout whole = StoredMessageLayout.of(MessageComposer.addressed(SIGNED_NOTICE, "c1@citizen.hangzhou.example",
            "<bc.1.abc@mail.hangzhou.example>"));
        StoredMessageLayout shared = StoredMessageLayout.of(SIGNED_NOTICE).withHeaderPrefix(prefix);
        assertArrayEquals(whole.header(), shared.header());
        assertArrayEquals(whole.body(), shared.body());
        assertEquals(whole.mediaType(), shared.mediaType());
        assertEquals(whole.subType(), shared.subType());
        assertEquals(whole.textualLineCount(), shared.textualLineCount());
        assertEquals(whole.properties().toString(), shared.properties().toString());
    }
}
