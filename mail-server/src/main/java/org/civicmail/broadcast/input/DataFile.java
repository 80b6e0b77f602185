package org.civicmail.broadcast.input;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.account.SpreadsheetText;

/**
 * The data of a personalised broadcast: a CSV file with a header row, one row per recipient. Accepts UTF-8 (with
 * or without BOM) and GBK/GB18030 as Chinese Excel saves it; without an explicit encoding, text that is not valid
 * UTF-8 is read as GB18030 (a superset of GBK). Row numbers are spreadsheet row numbers: the header is row 1.
 */
public record DataFile(String name, Charset charset, List<String> columns, List<Row> rows, List<String> problems) {

    /** One data row; {@code values} maps column to trimmed cell text. */
    public record Row(int rowNumber, Map<String, String> values) {
    }

    public static DataFile parse(String name, byte[] bytes, Optional<String> encoding) {
        Charset charset = encoding.map(e -> charset(e)).orElse(null);
        String text;
        if (charset == null) {
            try {
                SpreadsheetText.Decoded decoded = SpreadsheetText.detect(bytes);
                text = decoded.text();
                charset = decoded.charset();
            } catch (CharacterCodingException e) {
                throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is neither UTF-8 nor GBK/GB18030 text; "
                    + "save it as 'CSV UTF-8' or pass --encoding");
            }
        } else {
            try {
                text = SpreadsheetText.decode(bytes, charset);
            } catch (CharacterCodingException e) {
                throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not valid " + charset.name() + " text"
                    + (charset.equals(StandardCharsets.UTF_8) ? "; if Chinese Excel saved it, try --encoding GBK" : "; check --encoding"));
            }
        }
        return parseText(name, charset, text);
    }

    static DataFile parseText(String name, Charset charset, String text) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true).setAllowMissingColumnNames(true).build();
        List<String> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> columns;
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            columns = parser.getHeaderNames().stream().map(String::trim).toList();
            Set<String> seen = new LinkedHashSet<>();
            for (String c : columns) {
                if (c.isEmpty()) {
                    problems.add(name + " row 1: a column has no name; every column needs a header");
                } else if (!seen.add(c)) {
                    problems.add(name + " row 1: column '" + c + "' appears twice");
                }
            }
            for (CSVRecord record : parser) {
                // With multi-line quoted cells the parser's line number differs; spreadsheets count records.
                int rowNumber = (int) record.getRecordNumber() + 1;
                if (record.size() != columns.size()) {
                    problems.add(name + " row " + rowNumber + ": has " + record.size() + " field(s), the header has " + columns.size());
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.put(columns.get(i), record.get(i));
                }
                rows.add(new Row(rowNumber, values));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not a readable CSV file: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not a readable CSV file: " + e.getCause().getMessage());
        }
        if (columns.isEmpty()) {
            problems.add(name + " is empty; the first row must name the columns (at least 'address')");
        }
        return new DataFile(name, charset, columns, rows, problems);
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "encoding '" + name + "' is not a known character set; use UTF-8, GBK or GB18030");
        }
    }
}
