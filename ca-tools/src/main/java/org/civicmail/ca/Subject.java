package org.civicmail.ca;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identity an account's certificate is issued to, as the account directory (the mail
 * server) knows it. Checks itself when built; the CA never takes identity from a CSR.
 *
 * <ul>
 *   <li>CITIZEN: the address, optionally the person's name (individual-validated; otherwise
 *       mailbox-validated with no name, O or OU);</li>
 *   <li>LEGAL_ENTITY: the address, the organisation name and its 18-character unified social
 *       credit code (organization-validated);</li>
 *   <li>OFFICIAL: the address, the official's name and the agency name (sponsor-validated),
 *       optionally the agency's credit code.</li>
 * </ul>
 */
public final class Subject {
    public enum Profile { CITIZEN, LEGAL_ENTITY, OFFICIAL }

    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** GB 32100-2015 unified social credit code: 18 characters from 0-9 and A-Z without I, O, S, V, Z. */
    private static final Pattern CREDIT_CODE = Pattern.compile("[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}");

    private final String emailAddress;
    private final Profile profile;
    private final String personName;
    private final String organizationName;
    private final String creditCode;

    private Subject(String emailAddress, Profile profile, String personName, String organizationName, String creditCode) {
        this.emailAddress = normalizeAddress(emailAddress);
        this.profile = Objects.requireNonNull(profile, "profile");
        this.personName = blankToNull(personName);
        this.organizationName = blankToNull(organizationName);
        this.creditCode = blankToNull(creditCode);
        if (profile != Profile.CITIZEN && this.organizationName == null) {
            throw new InvalidInputException("subject " + emailAddress + ": a " + profile
                    + " needs an organisation name (the agency for an OFFICIAL)");
        }
        if (profile == Profile.OFFICIAL && this.personName == null) {
            throw new InvalidInputException("subject " + emailAddress + ": an OFFICIAL needs the person's name");
        }
        if (profile == Profile.LEGAL_ENTITY && this.creditCode == null) {
            throw new InvalidInputException("subject " + emailAddress
                    + ": a LEGAL_ENTITY needs its unified social credit code");
        }
        if (this.creditCode != null && !CREDIT_CODE.matcher(this.creditCode).matches()) {
            throw new InvalidInputException("subject " + emailAddress + ": credit code '" + creditCode
                    + "' is not a unified social credit code (18 characters, digits and capitals without I, O, S, V, Z)");
        }
    }

    /** A citizen; {@code personName} null for a mailbox-validated certificate. */
    public static Subject citizen(String emailAddress, String personName) {
        return new Subject(emailAddress, Profile.CITIZEN, personName, null, null);
    }

    public static Subject legalEntity(String emailAddress, String organizationName, String creditCode) {
        return new Subject(emailAddress, Profile.LEGAL_ENTITY, null, organizationName, creditCode);
    }

    /** An official of an agency; {@code agencyCreditCode} may be null. */
    public static Subject official(String emailAddress, String personName, String agencyName, String agencyCreditCode) {
        return new Subject(emailAddress, Profile.OFFICIAL, personName, agencyName, agencyCreditCode);
    }

    /** Lower-cases the domain and checks the syntax; throws {@link InvalidInputException} naming the rule. */
    public static String normalizeAddress(String address) {
        String a = address == null ? "" : address.trim();
        if (!ADDRESS.matcher(a).matches() || a.length() > 254) {
            throw new InvalidInputException("address '" + address + "' is not an e-mail address of the form local@domain.tld");
        }
        int at = a.lastIndexOf('@');
        return a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public String emailAddress() {
        return emailAddress;
    }

    public Profile profile() {
        return profile;
    }

    public Optional<String> personName() {
        return Optional.ofNullable(personName);
    }

    /** The legal entity's name, or the official's agency. */
    public Optional<String> organizationName() {
        return Optional.ofNullable(organizationName);
    }

    public Optional<String> creditCode() {
        return Optional.ofNullable(creditCode);
    }

    @Override
    public String toString() {
        return profile + " " + emailAddress;
    }
}
