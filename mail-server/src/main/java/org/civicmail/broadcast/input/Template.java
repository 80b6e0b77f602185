package org.civicmail.broadcast.input;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.account.SpreadsheetText;

/**
 * A message template: UTF-8 text whose first line is {@code Subject: ...}, then a blank line, then the body, with
 * {@code {{column}}} placeholders in subject and body. An optional HTML part uses the same placeholders; values
 * put into it are HTML-escaped. Immutable and thread-safe.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private final String subject;
    private final String body;
    private final String html;

    private Template(String subject, String body, String html) {
        this.subject = subject;
        this.body = body;
        this.html = html;
    }

    /** Parses the template file's bytes ({@code name} is used in messages) and, if given, the HTML part's. */
    public static Template parse(String name, byte[] text, String htmlName, byte[] htmlBytes) {
        String content = utf8(name, text).replace("\r\n", "\n");
        int firstEnd = content.indexOf('\n');
        String first = firstEnd < 0 ? content : content.substring(0, firstEnd);
        if (!first.regionMatches(true, 0, "Subject:", 0, 8)) {
            throw bad(name + ": the first line must be 'Subject: ...', found '" + abbreviate(first) + "'");
        }
        String subject = first.substring(8).trim();
        if (subject.isEmpty()) {
            throw bad(name + ": the subject on line 1 is empty");
        }
        String rest = firstEnd < 0 ? "" : content.substring(firstEnd + 1);
        int secondEnd = rest.indexOf('\n');
        String second = secondEnd < 0 ? rest : rest.substring(0, secondEnd);
        if (!second.isBlank()) {
            throw bad(name + ": line 2 must be blank (it separates the subject from the body), found '" + abbreviate(second) + "'");
        }
        String body = secondEnd < 0 ? "" : rest.substring(secondEnd + 1);
        if (body.isBlank()) {
            throw bad(name + ": the body (from line 3) is empty");
        }
        String html = htmlBytes == null ? null : utf8(htmlName, htmlBytes);
        for (String part : html == null ? List.of(subject, body) : List.of(subject, body, html)) {
            Matcher m = PLACEHOLDER.matcher(part);
            while (m.find()) {
                if (m.group(1).isEmpty()) {
                    throw bad(name + ": '" + m.group() + "' is a placeholder without a column name; write {{column}}");
                }
            }
        }
        return new Template(subject, body, html);
    }

    private static String utf8(String name, byte[] bytes) {
        try {
            return SpreadsheetText.decode(bytes, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw bad(name + " is not UTF-8 text; save the template as UTF-8");
        }
    }

    private static BroadcastRefusedException bad(String message) {
        return new BroadcastRefusedException(Reason.BAD_INPUT, message);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** Every column named by a placeholder, in order of first use. */
    public Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        for (String part : html == null ? List.of(subject, body) : List.of(subject, body, html)) {
            Matcher m = PLACEHOLDER.matcher(part);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    public boolean hasHtml() {
        return html != null;
    }

    public String subject(Map<String, String> values) {
        return fill(subject, values, UnaryOperator.identity());
    }

    public String body(Map<String, String> values) {
        return fill(body, values, UnaryOperator.identity());
    }

    public String html(Map<String, String> values) {
        return html == null ? null : fill(html, values, Template::escapeHtml);
    }

    public String rawSubject() {
        return subject;
    }

    private static String fill(String text, Map<String, String> values, UnaryOperator<String> escape) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(escape.apply(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escapeHtml(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Problems of placeholders that have no column among {@code columns}. */
    public List<String> missingColumns(String templateName, Set<String> columns, String dataName) {
        List<String> problems = new ArrayList<>();
        for (String p : placeholders()) {
            if (!columns.contains(p)) {
                problems.add(templateName + ": placeholder {{" + p + "}} has no column '" + p + "' in " + dataName
                    + " (columns: " + String.join(", ", columns) + ")");
            }
        }
        return problems;
    }
}
