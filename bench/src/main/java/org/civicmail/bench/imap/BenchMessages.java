package org.civicmail.bench.imap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The messages the IMAP workload stores: the same bytes on every server, so both sides of a comparison hold the same
 * mbox. Four kinds a city mailbox holds: a plain notice, a Chinese one (RFC 2047 subject, base64 UTF-8 body), one
 * with a PDF-like attachment and a forwarded message (message/rfc822), each 2 to 6 KiB.
 */
final class BenchMessages {
    static final int KINDS = 4;
    private static final String DOMAIN = "bench.civicmail.example";

    private BenchMessages() {
    }

    /** Message of kind {@code kind % KINDS} with Message-ID {@code <id@bench.civicmail.example>}. */
    static byte[] message(int kind, String id) {
        String head = "From: Bench Sender <sender@" + DOMAIN + ">\r\nTo: reader@" + DOMAIN + "\r\nDate: Mon, 2 Nov 2026 09:00:00 +0800\r\n"
            + "Message-ID: <" + id + "@" + DOMAIN + ">\r\nMIME-Version: 1.0\r\n";
        String text = switch (Math.floorMod(kind, KINDS)) {
            case 0 -> head + "Subject: Street cleaning notice " + id + "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + paragraph("The street will be cleaned on Tuesday morning; please move parked cars. ", 40);
            case 1 -> head + "Subject: =?UTF-8?B?" + base64("关于垃圾分类的通知 " + id) + "?=\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + wrapped(base64(paragraph("请各位居民按照分类要求投放生活垃圾，周二上午统一清运。", 30)));
            case 2 -> head + "Subject: Permit with attachment " + id + "\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nYour permit is attached.\r\n"
                + "--b1\r\nContent-Type: application/pdf; name=\"permit.pdf\"\r\nContent-Disposition: attachment; filename=\"permit.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + wrapped(base64(paragraph("%PDF-1.4 permit body ", 150))) + "--b1--\r\n";
            default -> head + "Subject: Fwd: notice " + id + "\r\nContent-Type: message/rfc822\r\n\r\n"
                + "From: Office <office@" + DOMAIN + ">\r\nSubject: Original notice\r\nMessage-ID: <inner-" + id + "@" + DOMAIN + ">\r\n\r\n"
                + paragraph("Original text of the forwarded notice. ", 60);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String paragraph(String sentence, int times) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < times; i++) {
            s.append(sentence);
            if (i % 2 == 1) {
                s.append("\r\n");
            }
        }
        return s.append("\r\n").toString();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String wrapped(String base64) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < base64.length(); i += 76) {
            s.append(base64, i, Math.min(base64.length(), i + 76)).append("\r\n");
        }
        return s.toString();
    }
}
