package org.civicmail.broadcast.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DataFileTest {
    private static final String CSV = "address,姓名,金额\na@x,张三,1.00\n\"b@x\",\"李\n四\",2.00\nc@x,王五\n";

    @Test
    void rowNumbersCountTheHeaderAsRowOneLikeASpreadsheet() {
        DataFile f = DataFile.parse("d.csv", CSV.getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertThat(f.columns()).containsExactly("address", "姓名", "金额");
        assertThat(f.rows()).extracting(DataFile.Row::rowNumber).containsExactly(2, 3);
        assertThat(f.rows().get(1).values().get("姓名")).isEqualTo("李\n四");
        assertThat(f.problems()).containsExactly("d.csv row 4: has 2 field(s), the header has 3");
    }

    @Test
    void readsUtf8WithBomAndDetectsGbk() {
        byte[] bom = ("\uFEFF" + CSV).getBytes(StandardCharsets.UTF_8);
        assertThat(DataFile.parse("d.csv", bom, Optional.empty()).columns()).containsExactly("address", "姓名", "金额");
        byte[] gbk = CSV.getBytes(Charset.forName("GBK"));
        DataFile detected = DataFile.parse("d.csv", gbk, Optional.empty());
        assertThat(detected.charset().name()).isEqualTo("GB18030");
        assertThat(detected.rows().get(0).values().get("姓名")).isEqualTo("张三");
        assertThat(DataFile.parse("d.csv", gbk, Optional.of("GBK")).rows().get(0).values().get("姓名")).isEqualTo("张三");
    }

    @Test
    void refusesGbkReadAsUtf8WithAHint() {
        byte[] gbk = CSV.getBytes(Charset.forName("GBK"));
        assertThatThrownBy(() -> DataFile.parse("d.csv", gbk, Optional.of("UTF-8")))
            .hasMessage("d.csv is not valid UTF-8 text; if Chinese Excel saved it, try --encoding GBK");
        assertThatThrownBy(() -> DataFile.parse("d.csv", gbk, Optional.of("klingon")))
            .hasMessage("encoding 'klingon' is not a known character set; use UTF-8, GBK or GB18030");
    }

    @Test
    void namesDuplicateAndEmptyHeaders() {
        DataFile f = DataFile.parse("d.csv", "address,a,a\nx@y,1,2\n".getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertThat(f.problems()).contains("d.csv row 1: column 'a' appears twice");
    }
}
