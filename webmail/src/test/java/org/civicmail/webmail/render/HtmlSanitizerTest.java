package org.civicmail.webmail.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HtmlSanitizerTest {

    private final HtmlSanitizer s = new HtmlSanitizer();

    @Test
    void removesScriptsHandlersAndJavascriptLinks() {
        String html = "<script>alert(1)</script><p onclick=\"x()\">hi</p><a href=\"javascript:alert(1)\">x</a>"
                + "<img src=x onerror=\"alert(1)\"><svg onload=alert(1)></svg><iframe src=\"https://e.vil\"></iframe>"
                + "<form action=\"https://e.vil\"><input name=p></form><a href=\"JaVaScRiPt:alert(1)\">y</a>";
        String out = s.sanitise(html, true).html().toLowerCase();
        assertFalse(out.contains("<script"), out);
        assertFalse(out.contains("onclick"), out);
        assertFalse(out.contains("onerror"), out);
        assertFalse(out.contains("javascript:"), out);
        assertFalse(out.contains("<svg"), out);
        assertFalse(out.contains("<iframe"), out);
        assertFalse(out.contains("<form"), out);
        assertFalse(out.contains("<input"), out);
    }

    @Test
    void removesCssTricks() {
        String html = "<style>body{display:none}</style><div style=\"position:fixed;top:0;background:url(https://t.rack/x)\">"
                + "Pay now</div><link rel=stylesheet href=\"https://e.vil/x.css\"><p class=\"top\">x</p>";
        String out = s.sanitise(html, true).html();
        assertFalse(out.contains("<style"), out);
        assertFalse(out.contains("style="), out);
        assertFalse(out.contains("<link"), out);
        assertFalse(out.contains("class="), out);
        assertTrue(out.contains("Pay now"));
    }

    @Test
    void remoteImagesBlockedUntilAllowed() {
        String html = "<p>bill</p><img src=\"https://tracker.example/pixel.gif\" alt=\"logo\">";
        HtmlSanitizer.Result blocked = s.sanitise(html, false);
        assertEquals(1, blocked.blockedImages());
        assertFalse(blocked.html().contains("tracker.example"), blocked.html());
        HtmlSanitizer.Result allowed = s.sanitise(html, true);
        assertEquals(0, allowed.blockedImages());
        assertTrue(allowed.html().contains("src=\"https://tracker.example/pixel.gif\""), allowed.html());
    }

    @Test
    void linksOpenWithoutReferrer() {
        String out = s.sanitise("<a href=\"https://city.test/pay\">pay</a>", false).html();
        assertEquals("<a href=\"https://city.test/pay\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">pay</a>"
                + "<span class=\"link-host\"> (city.test)</span>", out);
    }

    @Test
    void everyLinkShowsWhereItReallyGoes() {
        // attack: link text that names the city's site while the link goes elsewhere
        String out = s.sanitise("<a href=\"https://evil.example/x\">https://gov.city.test/refund</a>", false).html();
        assertTrue(out.endsWith("https://gov.city.test/refund</a><span class=\"link-host\"> (evil.example)</span>"), out);
        // attack: a look-alike host in Cyrillic letters shows in its ASCII (xn--) form
        String idn = s.sanitise("<a href=\"https://gоv.city.test/\">x</a>", false).html();
        assertTrue(idn.contains("(xn--gv-"), idn);
        // attack: user-info that looks like the host
        assertTrue(s.sanitise("<a href=\"https://gov.city.test@evil.example/\">x</a>", false).html()
                .contains("(evil.example)"));
        assertTrue(s.sanitise("<a href=\"mailto:a@city.test\">mail</a>", false).html().endsWith("mail</a>"));
    }

    @Test
    void safeFileNames() {
        assertEquals("passwd", MessageRenderer.safeFileName("../../etc/passwd", 0));
        assertEquals("水费账单.pdf", MessageRenderer.safeFileName("水费账单.pdf", 0));
        assertEquals("a_b_.html", MessageRenderer.safeFileName("a\"b<.html", 0));
        assertEquals("attachment-3", MessageRenderer.safeFileName("..", 2));
        assertEquals("attachment-1", MessageRenderer.safeFileName(null, 0));
    }
}
