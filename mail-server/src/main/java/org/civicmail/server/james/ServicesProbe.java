package org.civicmail.server.james;

import javax.inject.Inject;

import org.apache.james.utils.GuiceProbe;

import com.google.inject.Injector;

/** Hands the started server's injector to CivicMail's own services (accounts, CA, broadcast, admin API). */
public class ServicesProbe implements GuiceProbe {
    private final Injector injector;

    @Inject
    ServicesProbe(Injector injector) {
        this.injector = injector;
    }

    public <T> T get(Class<T> type) {
        return injector.getInstance(type);
    }
}
