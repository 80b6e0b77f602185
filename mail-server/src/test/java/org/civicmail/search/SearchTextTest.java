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
}
