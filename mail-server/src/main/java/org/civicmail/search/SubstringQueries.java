package org.civicmail.search;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;

/** The Lucene query that finds the documents whose {@link BigramTokens bigram field} contains a string. */
final class SubstringQueries {
    private SubstringQueries() {
    }

    /** Documents whose field {@code field} contains {@code normalized} (already {@link SearchText#normalize}d). */
    static Query contains(String field, String normalized) {
        if (normalized.isEmpty()) {
            return new MatchAllDocsQuery(); // every text contains the empty string
        }
        if (normalized.length() == 1) {
            // Every character of a value starts a bigram (the last one with END), so this is exact too.
            return new PrefixQuery(new Term(field, normalized));
        }
        PhraseQuery phrase = new PhraseQuery();
        for (int i = 0; i + 1 < normalized.length(); i++) {
            phrase.add(new Term(field, normalized.substring(i, i + 2)), i);
        }
        return phrase;
    }

    /** Documents where any of {@code fields} contains {@code normalized}. */
    static Query containsInAny(String normalized, String... fields) {
        BooleanQuery any = new BooleanQuery();
        for (String field : fields) {
            any.add(contains(field, normalized), BooleanClause.Occur.SHOULD);
        }
        return any;
    }
}
