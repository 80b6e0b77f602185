package org.civicmail.mailflow.sender;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a sender's display name pretends to be someone its address is not: the name holds an e-mail address other
 * than the sender's own ({@code "tax-bureau@gov.hangzhou.example" <a@evil.example>}), or it is the registered name
 * of an agency or legal entity and the address is not one of that organisation's accounts ("杭州市税务局"
 * {@code <service@hz-tax-refund.example.net>}). Names are compared as a reader sees them: Unicode NFKC (full-width
 * letters and ＠ are their plain forms), case, white space, invisible format characters and quotes ignored.
 * Stateless.
 */
public final class DisplayNameImpersonation {
    private static final Pattern ADDRESS = Pattern.compile("[\\p{L}\\p{N}._%+'-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+");
    private static final Pattern IGNORED = Pattern.compile("[\\s\\p{Cf}\"'`]+");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\"'`]+");
    private static final Pattern SPACED_AT = Pattern.compile("\\s*@\\s*");

    private DisplayNameImpersonation() {
    }

    /** Whether {@code sender}'s display name claims an identity its address does not have. */
    public static boolean impersonates(ShownSender sender, RegisteredNames.Snapshot names) {
        if (sender.displayName().isBlank()) {
            return false;
        }
        String own = sender.address().orElse("");
        String shown = Normalizer.normalize(sender.displayName(), Normalizer.Form.NFKC);
        Matcher m = ADDRESS.matcher(SPACED_AT.matcher(INVISIBLE.matcher(shown).replaceAll("")).replaceAll("@"));
        while (m.find()) {
            if (!m.group().equalsIgnoreCase(own)) {
                return true;
            }
        }
        Optional<Set<String>> owners = names.ownersOf(sender.displayName());
        return owners.isPresent() && !owners.get().contains(own);
    }

    /** The form in which display names and registered names are compared. */
    public static String comparable(String name) {
        return IGNORED.matcher(Normalizer.normalize(name, Normalizer.Form.NFKC)).replaceAll("").toLowerCase(Locale.ROOT);
    }
}
