package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchTextTest {
    @Test
    void foldsCaseWidthAndWhiteSpace() {
        assertThat(SearchText.normalize("  ＷＥＬＣＯＭＥ\r\n\t to\u3000退税  ")).isEqualTo("welcome to 退税");
    }

    @Test
    void dropsControlAndInvisibleCharacters() {
        assertThat(SearchText.normalize("退\u200b税" + SearchText.END)).isEqualTo("退税");
    }

    @Test
    void asciiTextIsFoldedExactlyAsTheFullNormalFormFoldsIt() {
        // The ASCII short cut must give what NFKC + lower case + the white-space rule give, control characters included.
        java.util.Random random = new java.util.Random(14);
        for (int n = 0; n < 2000; n++) {
            char[] chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x80);
            }
            String ascii = new String(chars);
            // A trailing non-ASCII character sends the same text through the full normaliser.
            String full = SearchText.normalize(ascii + "\u00e9");
            assertThat(SearchText.normalize(ascii)).as("%s", java.util.Arrays.toString(chars))
                .isEqualTo(full.endsWith(" \u00e9") ? full.substring(0, full.length() - 2) : full.substring(0, full.length() - 1));
        }
    }
}
