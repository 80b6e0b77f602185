package org.civicmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.civicmail.account.AccountClass;
import org.junit.jupiter.api.Test;

class CivicMailConfigTest {
    static final Path CONF = Path.of("../conf");

    @Test
    void theShippedDefaultsLoad() {
        CivicMailConfig config = CivicMailConfig.load(CONF, Map.of());
        assertThat(config.bindHost()).isEqualTo("127.0.0.1");
        assertThat(config.domain(AccountClass.CITIZEN)).isEqualTo("citizen.hangzhou.example");
        assertThat(config.classOfDomain("GOV.hangzhou.example")).contains(AccountClass.OFFICIAL);
        assertThat(config.mayWriteOutside(AccountClass.OFFICIAL)).isTrue();
        assertThat(config.mayWriteOutside(AccountClass.CITIZEN)).isFalse();
        assertThat(config.quotaBytes(AccountClass.CITIZEN)).isEqualTo(512L * 1024 * 1024);
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.smtp.port", "25x")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("civicmail.smtp.port = '25x' in ").hasMessageEndingWith("is not a whole number >= 0");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.imap.port", "70000")))
            .hasMessageEndingWith("is not a TCP port; use 0 (any free port) to 65535");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.domain.citizen", "gov.hangzhou.example")))
            .hasMessageEndingWith("each class needs its own domain");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.outbound.allowed-classes", "official,mayor")))
            .hasMessageContaining("'mayor' is not an account class");
        assertThatThrownBy(() -> CivicMailConfig.load(Path.of("/nonexistent"), Map.of()))
            .hasMessageContaining("pass --conf DIR pointing at a directory holding civicmail.properties");
    }

    @Test
    void keyAlgorithmsPerUseAreParsedStrictly() {
        CivicMailConfig defaults = CivicMailConfig.load(CONF, Map.of());
        assertThat(defaults.caKeyAlgorithm()).isEqualTo(org.civicmail.ca.KeyAlgorithm.EC_P256);
        assertThat(defaults.subscriberKeys()).containsOnlyKeys(org.civicmail.ca.KeyUse.values())
            .allSatisfy((use, algorithm) -> assertThat(algorithm).isEqualTo(org.civicmail.ca.KeyAlgorithm.EC_P256));
        CivicMailConfig rsa = CivicMailConfig.load(CONF, Map.of("civicmail.ca.key-algorithm", "rsa-3072",
            "civicmail.ca.subscriber-key.official", "rsa-3072", "civicmail.ca.subscriber-key.tls", "rsa-2048"));
        assertThat(rsa.caKeyAlgorithm()).isEqualTo(org.civicmail.ca.KeyAlgorithm.RSA_3072);
        assertThat(rsa.subscriberKeys()).containsEntry(org.civicmail.ca.KeyUse.OFFICIAL, org.civicmail.ca.KeyAlgorithm.RSA_3072)
            .containsEntry(org.civicmail.ca.KeyUse.TLS, org.civicmail.ca.KeyAlgorithm.RSA_2048)
            .containsEntry(org.civicmail.ca.KeyUse.CITIZEN, org.civicmail.ca.KeyAlgorithm.EC_P256);
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.ca.key-algorithm", "rsa-2048")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("civicmail.ca.key-algorithm = rsa-2048 in ")
            .hasMessageContaining("use ec-p256 (default) or rsa-3072");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.ca.key-algorithm", "ed25519")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("civicmail.ca.key-algorithm in ")
            .hasMessageContaining("'ed25519' is not a key algorithm");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.ca.subscriber-key.mayor", "rsa-3072")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("civicmail.ca.subscriber-key.mayor")
            .hasMessageContaining("use citizen, official, agency, legal-entity or tls");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.ca.subscriber-key.citizen", "dsa")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("civicmail.ca.subscriber-key.citizen in ");
    }

    @Test
    void webAdminIsOffByDefaultAndNeverRunsWithoutATokenKey(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assertThat(CivicMailConfig.load(CONF, Map.of()).webadminEnabled()).isFalse();
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.webadmin.enabled", "yes")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("civicmail.webadmin.enabled = 'yes' in ").hasMessageEndingWith("must be true or false");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.webadmin.enabled", "true")))
            .hasMessageContaining("civicmail.webadmin.enabled = true in ")
            .hasMessageContaining("needs civicmail.webadmin.jwt-public-key")
            .hasMessageEndingWith("WebAdmin never runs without authentication");
        java.nio.file.Files.writeString(tmp.resolve("not-a-key.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.webadmin.enabled", "true",
                "civicmail.webadmin.jwt-public-key", tmp.resolve("not-a-key.pem").toString())))
            .hasMessageContaining("civicmail.webadmin.jwt-public-key = " + tmp.resolve("not-a-key.pem"))
            .hasMessageContaining("is not a readable PEM RSA public key");

        java.security.KeyPair key = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
        java.nio.file.Files.writeString(tmp.resolve("webadmin.pub"), "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        CivicMailConfig enabled = CivicMailConfig.load(CONF, Map.of("civicmail.webadmin.enabled", "true",
            "civicmail.webadmin.jwt-public-key", tmp.resolve("webadmin.pub").toString()));
        assertThat(enabled.webadminEnabled()).isTrue();
        assertThat(enabled.webadminJwtPublicKey()).contains(tmp.resolve("webadmin.pub"));
    }

    @Test
    void aMistypedBooleanStopsTheStartInsteadOfMeaningFalse() {
        // A typo must not silently switch a feature (or a protection) off.
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.webmail.enabled", "ture")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("civicmail.webmail.enabled = 'ture' in ").hasMessageEndingWith("must be true or false");
        assertThat(CivicMailConfig.load(CONF, Map.of("civicmail.webmail.enabled", " FALSE ")).webmailEnabled()).isFalse();
        assertThat(CivicMailConfig.load(CONF, Map.of()).webmailHeapMib()).isEqualTo(64);
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.webmail.heap-mib", "0")))
            .hasMessageEndingWith("must be greater than 0");
    }

    @Test
    void theCityDomainRuleIsOnByDefaultAndReadStrictly() {
        assertThat(CivicMailConfig.load(CONF, Map.of()).rejectCityFrom()).isTrue();
        assertThat(CivicMailConfig.load(CONF, Map.of("civicmail.inbound.reject-city-from", "false")).rejectCityFrom()).isFalse();
        // A typo must not silently turn the protection off.
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.inbound.reject-city-from", "flase")))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("civicmail.inbound.reject-city-from = 'flase' in ").hasMessageEndingWith(" must be true or false");
        assertThatThrownBy(() -> CivicMailConfig.load(CONF, Map.of("civicmail.inbound.reject-city-from", "yes")))
            .hasMessageEndingWith(" must be true or false");
    }

    @Test
    void templatesRefuseUnknownPlaceholders() {
        assertThat(JamesConfigRenderer.substitute(Path.of("t.xml"), "<a>${x}</a>", Map.of("x", "1"))).isEqualTo("<a>1</a>");
        assertThatThrownBy(() -> JamesConfigRenderer.substitute(Path.of("t.xml"), "<a>${y}</a>", Map.of("x", "1")))
            .hasMessage("t.xml uses ${y}, which CivicMail does not define; remove it or use one of [x]");
    }
}
