package org.civicmail.ca;

import java.util.Set;

/**
 * A natural person's name as the certificate carries it: {@code surname} (required; a person with a single legal
 * name has only a surname, S/MIME BR §7.1.4.2.2(e)) and {@code givenName} (null if none). {@link #fullName()} is
 * the commonName: surname first and without a space for names in Chinese characters (李娜), given name first
 * otherwise (Bob Chen).
 */
public record PersonName(String surname, String givenName) {
    /**
     * Two-character Chinese surnames (复姓) recognised by {@link #derive}; any other name in Chinese characters is
     * taken to have a one-character surname.
     */
    public static final Set<String> COMPOUND_SURNAMES = Set.of("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
            "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "东郭", "闻人",
            "万俟", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "仲孙", "单于", "拓跋", "赫连", "段干", "司空", "司寇", "鲜于",
            "闾丘", "亓官", "左丘", "梁丘", "第五", "谷梁", "微生", "羊舌", "巫马", "乐正", "公羊", "公西", "漆雕", "颛孙", "东门");
    private static final int MAX = 64; // ub-name lengths of X.520 surname / givenName

    public PersonName {
        surname = surname == null ? "" : surname.trim();
        givenName = givenName == null || givenName.isBlank() ? null : givenName.trim();
        if (surname.isEmpty()) {
            throw new InvalidInputException("a person's surname is required (a person with a single legal name gives it as the surname)");
        }
        for (String part : givenName == null ? new String[] {surname} : new String[] {surname, givenName}) {
            if (part.length() > MAX || part.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException("name part '" + part + "' must be at most " + MAX + " characters without control characters");
            }
        }
    }

    /** Surname and given name as stored; {@code givenName} null or blank for a single legal name. */
    public static PersonName of(String surname, String givenName) {
        return new PersonName(surname, givenName);
    }

    /** The commonName: 李娜 (Chinese characters: surname, given name, no space) or Bob Chen (given name first). */
    public String fullName() {
        if (givenName == null) {
            return surname;
        }
        return isHan(surname) ? surname + givenName : givenName + " " + surname;
    }

    /**
     * The documented derivation for accounts created before surname and given name were stored: a name in Chinese
     * characters without spaces has a compound surname if it starts with one of {@link #COMPOUND_SURNAMES}, else a
     * one-character surname, and the rest is the given name (one character alone is a single legal name); a name
     * with a middle dot (阿依古丽·买买提) has the part before the first dot as given name and the rest as surname; a
     * name with spaces has its last word as surname and the words before as given name (Western order: Bob Chen).
     * Names written surname-first in Latin letters (Li Wei) come out reversed: set those with
     * {@code account set --surname --given-name}.
     */
    public static PersonName derive(String fullName) {
        String n = fullName == null ? "" : fullName.trim().replaceAll("\\s+", " ");
        if (n.isEmpty()) {
            throw new InvalidInputException("no name to derive a surname from");
        }
        int dot = n.indexOf('·');
        if (dot > 0 && dot < n.length() - 1) {
            return new PersonName(n.substring(dot + 1), n.substring(0, dot));
        }
        int space = n.lastIndexOf(' ');
        if (space > 0) {
            return new PersonName(n.substring(space + 1), n.substring(0, space));
        }
        if (isHan(n) && n.codePointCount(0, n.length()) > 1) {
            int cut = n.length() > 2 && COMPOUND_SURNAMES.contains(n.substring(0, 2)) ? 2 : n.offsetByCodePoints(0, 1);
            return new PersonName(n.substring(0, cut), n.substring(cut));
        }
        return new PersonName(n, null);
    }

    private static boolean isHan(String s) {
        return !s.isEmpty() && Character.UnicodeScript.of(s.codePointAt(0)) == Character.UnicodeScript.HAN;
    }
}
