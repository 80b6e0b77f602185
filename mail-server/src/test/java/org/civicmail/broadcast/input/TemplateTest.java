package org.civicmail.broadcast.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static Template parse(String text) {
        return Template.parse("t.txt", text.getBytes(StandardCharsets.UTF_8), null, null);
    }

    @Test
    void rendersSubjectAndBodyPlaceholders() {
        Template t = parse("\uFEFFSubject: {{ 月份 }}账单\r\n\r\n{{name}}，应缴 {{amount}} 元。\n");
        assertThat(t.placeholders()).containsExactly("月份", "name", "amount");
        Map<String, String> v = Map.of("月份", "十一月", "name", "张三", "amount", "$1.00\\");
        assertThat(t.subject(v)).isEqualTo("十一月账单");
        assertThat(t.body(v)).isEqualTo("张三，应缴 $1.00\\ 元。\n");
    }

    @Test
    void htmlValuesAreEscaped() {
        Template t = Template.parse("t.txt", "Subject: x\n\nhi {{n}}\n".getBytes(StandardCharsets.UTF_8), "t.html",
            "<p>{{n}}</p>".getBytes(StandardCharsets.UTF_8));
        assertThat(t.html(Map.of("n", "<script>&"))).isEqualTo("<p>&lt;script&gt;&amp;</p>");
    }

    @Test
    void refusesAMissingSubjectLineWithTheFix() {
        assertThatThrownBy(() -> parse("Dear citizen\n\nbody"))
            .isInstanceOf(BroadcastRefusedException.class)
            .hasMessage("t.txt: the first line must be 'Subject: ...', found 'Dear citizen'");
        assertThatThrownBy(() -> parse("Subject: a\nbody right away\n"))
            .hasMessage("t.txt: line 2 must be blank (it separates the subject from the body), found 'body right away'");
        assertThatThrownBy(() -> parse("Subject: a\n\n{{}}\n"))
            .hasMessage("t.txt: '{{}}' is a placeholder without a column name; write {{column}}");
    }

    @Test
    void namesPlaceholdersWithoutAColumn() {
        Template t = parse("Subject: {{a}}\n\n{{b}} {{c}}\n");
        assertThat(t.missingColumns("t.txt", new java.util.LinkedHashSet<>(java.util.List.of("address", "a", "b")), "d.csv"))
            .containsExactly("t.txt: placeholder {{c}} has no column 'c' in d.csv (columns: address, a, b)");
    }
}
