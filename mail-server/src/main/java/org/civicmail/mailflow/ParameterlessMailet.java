package org.civicmail.mailflow;

import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

/**
 * Our mailets take no parameters in {@code mailetcontainer.xml}: their settings come from
 * {@code civicmail.properties}. A parameter written there anyway stops the start (James names it) instead of being
 * silently ignored.
 */
public abstract class ParameterlessMailet extends GenericMailet {
    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }
}
