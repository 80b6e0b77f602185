package org.civicmail.search;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Every two adjacent characters of an indexed value as one token, at consecutive positions ("退税通知" → 退税, 税通,
 * 通知; "tax" → ta, ax). A search string is found as the phrase of its own bigrams ({@link SubstringQueries}), which
 * is an exact substring match for Chinese, which has no spaces to split words at, and for English, where RFC 3501
 * asks that {@code TEXT sdfghjk} find {@code asdfghjkl} — a word-splitting analyser (smartcn, the standard one)
 * answers neither. The text is {@link SearchText#normalize normalised} values, each followed by {@link SearchText#END};
 * no token starts with END, so no search string matches across two values.
 */
final class BigramTokens extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute increment = addAttribute(PositionIncrementAttribute.class);
    private final String text;
    private int next;
    private int lastEmitted = -1;

    BigramTokens(String text) {
        this.text = text;
    }

    @Override
    public boolean incrementToken() {
        while (next + 1 < text.length()) {
            int at = next++;
            if (text.charAt(at) == SearchText.END) {
                continue;
            }
            clearAttributes();
            // The two characters straight into the term's buffer: append(CharSequence, …) copies through bounds
            // checks per character, and this runs for every character of every indexed message.
            char[] buffer = term.buffer().length >= 2 ? term.buffer() : term.resizeBuffer(2);
            buffer[0] = text.charAt(at);
            buffer[1] = text.charAt(at + 1);
            term.setLength(2);
            increment.setPositionIncrement(lastEmitted < 0 ? 1 : at - lastEmitted);
            lastEmitted = at;
            return true;
        }
        return false;
    }

    @Override
    public void reset() {
        next = 0;
        lastEmitted = -1;
    }
}
