package org.civicmail.ca.lint;

import java.util.ArrayList;
import java.util.List;
import org.civicmail.ca.profile.CertificateTemplate;

/** Checks a template against every rule of its profile before it is signed. Stateless, thread-safe. */
public final class Linter {
    private final List<LintRule> rules;

    public Linter(List<LintRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The CivicMail rule set: common, S/MIME BR, TLS, OCSP signer and CA rules. */
    public static Linter standard() {
        List<LintRule> all = new ArrayList<>();
        all.addAll(CommonRules.all());
        all.addAll(SmimeRules.all());
        all.addAll(SubjectRules.all());
        all.addAll(ServiceRules.all());
        all.addAll(IssuingCaRules.all());
        return new Linter(all);
    }

    /** Throws {@link LintException} naming the first violated rule. */
    public void check(CertificateTemplate template) {
        for (LintRule rule : rules) {
            if (rule.appliesTo(template.profile())) {
                rule.check(template).ifPresent(problem -> {
                    throw new LintException(rule, problem);
                });
            }
        }
    }

    public List<LintRule> rules() {
        return rules;
    }
}
