package org.civicmail.ca;

import java.util.Optional;

/**
 * The accounts the CA may issue to. The mail server implements it over its account table; the
 * CA asks it for the subject of every account certificate and never trusts a CSR's names.
 * Implementations must be thread-safe; {@link #find} is called once per issuance.
 */
@FunctionalInterface
public interface SubjectDirectory {
    /** The subject for an address (already normalised by the CA), or empty if there is no such account. */
    Optional<Subject> find(String emailAddress);
}
