package org.civicmail.search;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normal form in which indexed text and search strings are compared: Unicode NFKC (full-width ＡＢＣ and
 * compatibility ideographs fold to their ordinary forms), lower case, every run of white space (line breaks
 * included) as one space, none at either end, control and format characters dropped. RFC 3501 asks for case-insensitive substring matching; doing
 * the same folding on both sides makes "substring of the normal form" exactly that, for Chinese and English alike.
 */
public final class SearchText {
    /**
     * Ends every indexed value, so that a search string never matches across two values (two Received headers, the
     * header and the body); {@link #normalize} removes it from search strings, being a control character.
     */
    public static final char END = '\u0001';

    private SearchText() {
    }

    public static String normalize(String text) {
        // NFKC leaves ASCII as it is (each ASCII character is its own normal form, and none combines with another):
        // most indexed text (headers, English bodies) skips the normaliser's pass and copy.
        String folded = (isAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC)).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean space = false;
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = true;
            } else if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
