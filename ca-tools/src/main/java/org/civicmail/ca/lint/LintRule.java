package org.civicmail.ca.lint;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/** One rule of a profile: a stable id, what it requires, and a check that names the problem. */
public interface LintRule {
    String id();

    String description();

    boolean appliesTo(CertProfile profile);

    /** Empty if the template complies, otherwise what is wrong with it. */
    Optional<String> check(CertificateTemplate template);

    static LintRule of(String id, String description, Set<CertProfile> profiles,
                       Function<CertificateTemplate, Optional<String>> check) {
        Set<CertProfile> copy = EnumSet.copyOf(profiles);
        return new LintRule() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public boolean appliesTo(CertProfile profile) {
                return copy.contains(profile);
            }

            @Override
            public Optional<String> check(CertificateTemplate template) {
                return check.apply(template);
            }
        };
    }
}
