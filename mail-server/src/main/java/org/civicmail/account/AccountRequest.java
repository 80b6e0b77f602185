package org.civicmail.account;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.PersonName;

/**
 * Raw account fields as a clerk or a CSV file gives them. {@link #validate} checks every rule of the class and
 * returns an {@link Account}, or throws {@link InvalidAccountException} naming the field and the rule.
 */
public final class AccountRequest {
    private static final Pattern LOCAL_PART = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?");
    private static final int MAX_TEXT = 200;

    public String accountClass;
    public String address;
    public String name;
    public String idNumber;
    public String tags;
    public String creditCode;
    public String agency;
    public String employeeNo;
    public boolean mayBroadcast;
    /** Official or legal entity: algorithm of the signing key the server keeps for it; blank = the CA's default. */
    public String signingKey;
    /** Citizen or official (a person): surname and given name as the certificate carries them; blank = derived from the name. */
    public String surname;
    public String givenName;

    public Account validate(MailDomains domains) {
        AccountClass cls = AccountClass.parse(require("class", accountClass));
        String addr = normaliseAddress(require("address", address), cls, domains);
        String person = text("name", require("name", name));
        Optional<ResidentIdNumber> id = Optional.empty();
        List<String> tagList = List.of();
        Optional<UnifiedSocialCreditCode> credit = Optional.empty();
        Optional<String> agencyName = Optional.empty();
        Optional<String> employee = Optional.empty();
        switch (cls) {
            case CITIZEN -> {
                id = Optional.of(ResidentIdNumber.parse(require("id-number", idNumber)));
                refuse("signing-key", signingKey, cls);
                tagList = parseTags(tags);
                refuse("credit-code", creditCode, cls);
                refuse("agency", agency, cls);
                refuse("employee-no", employeeNo, cls);
            }
            case LEGAL_ENTITY -> {
                credit = Optional.of(UnifiedSocialCreditCode.parse(require("credit-code", creditCode)));
                refuse("id-number", idNumber, cls);
                refuse("agency", agency, cls);
                refuse("employee-no", employeeNo, cls);
            }
            case OFFICIAL -> {
                agencyName = Optional.of(text("agency", require("agency", agency)));
                employee = Optional.of(text("employee-no", require("employee-no", employeeNo)));
                refuse("id-number", idNumber, cls);
                refuse("credit-code", creditCode, cls);
            }
            default -> throw new IllegalStateException(cls.name());
        }
        if (mayBroadcast && cls != AccountClass.OFFICIAL) {
            throw new InvalidAccountException("may-broadcast", "only official (agency) accounts may broadcast");
        }
        if (cls == AccountClass.LEGAL_ENTITY || mayBroadcast) {
            refuse("surname", surname, cls);
            refuse("given-name", givenName, cls);
        }
        personName();
        return new Account(addr, cls, person, id, tagList, credit, agencyName, employee, mayBroadcast, false);
    }

    private static String normaliseAddress(String raw, AccountClass cls, MailDomains domains) {
        String addr = raw.trim().toLowerCase(Locale.ROOT);
        int at = addr.indexOf('@');
        if (at <= 0 || at != addr.lastIndexOf('@')) {
            throw new InvalidAccountException("address", "'" + raw + "' is not an e-mail address (local-part@domain)");
        }
        String local = addr.substring(0, at);
        String domain = addr.substring(at + 1);
        String expected = domains.domainOf(cls);
        if (!domain.equals(expected)) {
            throw new InvalidAccountException("address", "a " + cls + " mailbox must be in " + expected + ", not " + domain);
        }
        if (!LOCAL_PART.matcher(local).matches()) {
            throw new InvalidAccountException("address", "local part '" + local
                + "' may use only a-z, 0-9, '.', '_', '-' (1-64 characters, starting and ending with a letter or digit)");
        }
        return addr;
    }

    private static List<String> parseTags(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (String tag : raw.split("[,，]")) {
            String t = tag.trim();
            if (!t.isEmpty()) {
                if (t.length() > 64 || t.contains(";")) {
                    throw new InvalidAccountException("tags", "tag '" + t + "' must be at most 64 characters without ';'");
                }
                if (!result.contains(t)) {
                    result.add(t);
                }
            }
        }
        return result;
    }

    private static String require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidAccountException(field, "is required");
        }
        return value.trim();
    }

    private static String text(String field, String value) {
        if (value.length() > MAX_TEXT || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidAccountException(field, "must be at most " + MAX_TEXT + " characters without control characters");
        }
        return value;
    }

    /**
     * The person's surname and given name if given ({@code --surname/--given-name}, CSV columns {@code surname,given-name});
     * a given name needs a surname (a single legal name is given as the surname, S/MIME BR §7.1.4.2.2(e)).
     */
    public Optional<PersonName> personName() {
        boolean hasSurname = surname != null && !surname.isBlank();
        if (!hasSurname) {
            if (givenName != null && !givenName.isBlank()) {
                throw new InvalidAccountException("surname", "is required with given-name (a single legal name goes into surname)");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(PersonName.of(surname, givenName));
        } catch (InvalidInputException e) {
            throw new InvalidAccountException("surname", e.getMessage());
        }
    }

    /** The requested signing-key algorithm, if one was given. */
    public Optional<KeyAlgorithm> signingKeyAlgorithm() {
        if (signingKey == null || signingKey.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyAlgorithm.parse("the value", signingKey));
        } catch (InvalidInputException e) {
            throw new InvalidAccountException("signing-key", e.getMessage());
        }
    }

    private static void refuse(String field, String value, AccountClass cls) {
        if (value != null && !value.isBlank()) {
            throw new InvalidAccountException(field, "does not apply to a " + cls + " account; remove it");
        }
    }

    public static AccountRequest of(String cls, String address, String name) {
        AccountRequest r = new AccountRequest();
        r.accountClass = cls;
        r.address = address;
        r.name = name;
        return r;
    }

    @Override
    public String toString() {
        return "AccountRequest" + Arrays.asList(accountClass, address);
    }
}
