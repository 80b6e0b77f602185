package org.civicmail.broadcast.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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
import org.civicmail.account.SpreadsheetText;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;

/**
 * The data of a personalised broadcast: a CSV file with a header row, one row per recipient. Accepts UTF-8 (with
 * or without BOM) and GBK/GB18030 as Chinese Excel saves it; without an explicit encoding, text that is not valid
 * UTF-8 is read as GB18030 (a superset of GBK). Row numbers are spreadsheet row numbers: the header is row 1.
 * {@link #read} streams the rows (a file of a million rows is never in memory); {@link #parse} collects them, for
 * small inputs.
 */
public record DataFile(String name, Charset charset, List<String> columns, List<Row> rows, List<String> problems) {

    /** One data row; {@code values} maps column to trimmed cell text. */
    public record Row(int rowNumber, Map<String, String> values) {
    }

    /** What a streamed read hands over, in file order: the header first, then each row or its problem. */
    public interface Visitor {
        void header(Charset charset, List<String> columns);

        void row(Row row);

        void problem(String problem);
    }

    public static DataFile parse(String name, byte[] bytes, Optional<String> encoding) {
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Object[] header = new Object[2];
        read(name, DataSource.of(bytes), encoding, new Visitor() {
            @Override
            public void header(Charset charset, List<String> columns) {
                header[0] = charset;
                header[1] = columns;
            }

            @Override
            public void row(Row row) {
                rows.add(row);
            }

            @Override
            public void problem(String problem) {
                problems.add(problem);
            }
        });
        @SuppressWarnings("unchecked")
        List<String> columns = (List<String>) header[1];
        return new DataFile(name, (Charset) header[0], columns, rows, problems);
    }

    /**
     * Reads the file through once to settle its encoding (the one given, checked; else UTF-8 if it is valid UTF-8,
     * else GB18030), then again row by row into the visitor. Throws {@link BroadcastRefusedException} when it is not
     * text in that encoding or not CSV.
     */
    public static void read(String name, DataSource source, Optional<String> encoding, Visitor visitor) {
        Charset charset = encoding.map(DataFile::charset).orElse(null);
        if (charset == null) {
            if (decodes(name, source, StandardCharsets.UTF_8)) {
                charset = StandardCharsets.UTF_8;
            } else if (decodes(name, source, SpreadsheetText.GB18030)) {
                charset = SpreadsheetText.GB18030;
            } else {
                throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is neither UTF-8 nor GBK/GB18030 text; "
                    + "save it as 'CSV UTF-8' or pass --encoding");
            }
        } else if (!decodes(name, source, charset)) {
            throw notIn(name, charset);
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true).setAllowMissingColumnNames(true).build();
        try (InputStream in = source.open();
             CSVParser parser = CSVParser.parse(withoutByteOrderMark(new InputStreamReader(in, strict(charset))), format)) {
            List<String> columns = parser.getHeaderNames().stream().map(String::trim).toList();
            visitor.header(charset, columns);
            Set<String> seen = new LinkedHashSet<>();
            for (String c : columns) {
                if (c.isEmpty()) {
                    visitor.problem(name + " row 1: a column has no name; every column needs a header");
                } else if (!seen.add(c)) {
                    visitor.problem(name + " row 1: column '" + c + "' appears twice");
                }
            }
            if (columns.isEmpty()) {
                visitor.problem(name + " is empty; the first row must name the columns (at least 'address')");
            }
            for (CSVRecord record : parser) {
                // With multi-line quoted cells the parser's line number differs; spreadsheets count records.
                int rowNumber = (int) record.getRecordNumber() + 1;
                if (record.size() != columns.size()) {
                    visitor.problem(name + " row " + rowNumber + ": has " + record.size() + " field(s), the header has " + columns.size());
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.put(columns.get(i), record.get(i));
                }
                visitor.row(new Row(rowNumber, values));
            }
        } catch (CharacterCodingException e) {
            throw notIn(name, charset);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw notIn(name, charset);
            }
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not a readable CSV file: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw notIn(name, charset);
            }
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not a readable CSV file: " + e.getCause().getMessage());
        }
    }

    /** Whether the whole file is valid text in the charset (read through in blocks, nothing kept). */
    private static boolean decodes(String name, DataSource source, Charset charset) {
        char[] block = new char[8192];
        try (Reader r = new InputStreamReader(source.open(), strict(charset))) {
            while (r.read(block) >= 0) {
                // only decoding
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        } catch (IOException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " cannot be read: " + e.getMessage());
        }
    }

    private static CharsetDecoder strict(Charset charset) {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** A leading byte-order mark (as Excel writes in front of 'CSV UTF-8') is not part of the first column's name. */
    private static Reader withoutByteOrderMark(Reader reader) throws IOException {
        PushbackReader in = new PushbackReader(new BufferedReader(reader), 1);
        int first = in.read();
        if (first >= 0 && first != '\uFEFF') {
            in.unread(first);
        }
        return in;
    }

    private static BroadcastRefusedException notIn(String name, Charset charset) {
        return new BroadcastRefusedException(Reason.BAD_INPUT, name + " is not valid " + charset.name() + " text"
            + (charset.equals(StandardCharsets.UTF_8) ? "; if Chinese Excel saved it, try --encoding GBK" : "; check --encoding"));
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "encoding '" + name + "' is not a known character set; use UTF-8, GBK or GB18030");
        }
    }
}
