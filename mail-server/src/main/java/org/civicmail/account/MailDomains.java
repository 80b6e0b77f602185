package org.civicmail.account;

import java.util.Optional;

/** Which mail domain belongs to which account class (from configuration). */
public interface MailDomains {
    String domainOf(AccountClass accountClass);

    Optional<AccountClass> classOf(String domain);

    default boolean isLocal(String domain) {
        return classOf(domain).isPresent();
    }
}
