package org.civicmail.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.civicmail.ca.CaConfig;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listeners' TLS certificate is re-issued by our CA when it nears expiry, and only then. */
class TlsRenewalTest {
    @TempDir
    Path tmp;

    private CertificateAuthority open(CivicDatabase db, Clock clock) {
        CaConfig config = CaConfig.of(db.dataSource(), tmp.resolve("ca"), "http://127.0.0.1:8088")
            .withPassphrase(PassphraseSource.of("renewal-test-passphrase".toCharArray()))
            .withClock(clock);
        return CertificateAuthority.open(config, address -> Optional.empty());
    }

    @Test
    void aCertificateCloseToExpiryIsRenewedOnceAndAGoodOneIsKept() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        TlsKeyStore store = new TlsKeyStore(tmp.resolve("keys"));
        List<String> names = List.of("mail.hangzhou.example", "localhost", "127.0.0.1");

        Instant longAgo = Instant.now().minus(Duration.ofDays(380));
        try (CertificateAuthority pastCa = open(db, Clock.fixed(longAgo, ZoneOffset.UTC))) {
            assertThat(TlsCertificateProvisioner.ensure(store, pastCa, names)).isTrue();
        }
        Instant oldExpiry = store.certificate().getNotAfter().toInstant();
        assertThat(oldExpiry).isBefore(Instant.now().plus(TlsCertificateProvisioner.RENEW_BEFORE));

        try (CertificateAuthority ca = open(db, Clock.systemUTC())) {
            assertThat(TlsRenewal.renewIfDue(store, ca, names, List.of())).as("renewed when due").isTrue();
            Instant newExpiry = store.certificate().getNotAfter().toInstant();
            assertThat(newExpiry).isAfter(Instant.now().plus(Duration.ofDays(300)));
            assertThat(store.chain()[store.chain().length - 1]).isEqualTo(ca.trustAnchor());
            assertThat(TlsRenewal.renewIfDue(store, ca, names, List.of())).as("kept while good").isFalse();
            assertThat(TlsCertificateProvisioner.ensure(store, ca, List.of("other.example"))).as("re-issued for new names").isTrue();
        }
    }
}
