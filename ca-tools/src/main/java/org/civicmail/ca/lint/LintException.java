package org.civicmail.ca.lint;

import org.civicmail.ca.CaException;

/** A certificate template violated a rule of its profile; nothing was signed. */
public class LintException extends CaException {
    private final String ruleId;

    public LintException(LintRule rule, String problem) {
        super("certificate refused by lint rule " + rule.id() + " (" + rule.description() + "): " + problem);
        this.ruleId = rule.id();
    }

    public String ruleId() {
        return ruleId;
    }
}
