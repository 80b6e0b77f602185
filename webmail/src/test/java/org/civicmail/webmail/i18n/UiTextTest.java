package org.civicmail.webmail.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UiTextTest {

    @Test
    void bothLanguagesHaveTheSameKeys() {
        assertEquals(UiText.table(Lang.ZH).keySet(), UiText.table(Lang.EN).keySet());
    }

    @Test
    void chineseIsTheFallback() {
        assertEquals(Lang.ZH, Lang.fromCode("fr", Lang.ZH));
        assertEquals(Lang.EN, Lang.fromCode(" EN ", Lang.ZH));
        assertEquals("登录", UiText.of(Lang.ZH).get("login.title"));
    }

    @Test
    void broadcastFoldersHaveEnglishNames() {
        assertEquals("Bills", FolderNames.display("账单", Lang.EN));
        assertEquals("账单", FolderNames.display("账单", Lang.ZH));
        assertEquals("Notices", FolderNames.display("通知", Lang.EN));
        assertEquals("Social security", FolderNames.display("社保", Lang.EN));
        assertEquals("Bank", FolderNames.display("银行", Lang.EN));
        assertEquals("收件箱", FolderNames.display("INBOX", Lang.ZH));
        assertEquals("Projects", FolderNames.display("Projects", Lang.EN));
    }
}
