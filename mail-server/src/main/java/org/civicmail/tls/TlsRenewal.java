package org.civicmail.tls;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.civicmail.ca.CertificateAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the listeners' TLS certificate while the server runs: every few hours, and the SMTP/IMAP listeners
 * reload it without a restart once a new one was issued. (The webmail child reads it at its own start.)
 */
public final class TlsRenewal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsRenewal.class);
    private static final long PERIOD_HOURS = 6;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "civicmail-tls-renewal");
        t.setDaemon(true);
        return t;
    });

    public TlsRenewal(TlsKeyStore store, CertificateAuthority ca, List<String> names, List<AbstractConfigurableAsyncServer> listeners) {
        timer.scheduleWithFixedDelay(() -> renewIfDue(store, ca, names, listeners), PERIOD_HOURS, PERIOD_HOURS, TimeUnit.HOURS);
    }

    static boolean renewIfDue(TlsKeyStore store, CertificateAuthority ca, List<String> names, List<AbstractConfigurableAsyncServer> listeners) {
        try {
            if (!TlsCertificateProvisioner.ensure(store, ca, names)) {
                return false;
            }
            for (AbstractConfigurableAsyncServer listener : listeners) {
                listener.reloadSSLCertificate();
            }
            LOG.info("TLS certificate renewed and reloaded by {} listeners", listeners.size());
            return true;
        } catch (Exception e) {
            // Retried at the next run; the current certificate stays in use until it expires.
            LOG.error("TLS certificate renewal failed; will retry in {} h", PERIOD_HOURS, e);
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
