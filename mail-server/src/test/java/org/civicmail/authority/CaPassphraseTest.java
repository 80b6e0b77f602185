package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.civicmail.ca.MissingPassphraseException;
import org.civicmail.ca.PassphraseSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo passphrase file is used only with --demo, or when the operator names it explicitly. */
class CaPassphraseTest {
    @TempDir
    Path ca;

    // Attack/mistake: a demo data directory put into service; its key passphrase lies beside the keys.
    @Test
    void aDemoPassphraseFileIsRefusedWithoutDemo() throws Exception {
        Files.writeString(ca.resolve("demo-passphrase"), "generated-demo-passphrase");
        assertThatThrownBy(() -> CaPassphrase.resolve(ca, false, Map.of()))
            .isInstanceOf(MissingPassphraseException.class)
            .hasMessage("this data directory's CA uses the generated demo passphrase in " + ca.resolve("demo-passphrase")
                + ", which is only used with `start --demo`: start with --demo (and run commands while it runs), or set"
                + " CIVICMAIL_CA_PASSPHRASE_FILE=" + ca.resolve("demo-passphrase") + " to accept that file deliberately");
    }

    @Test
    void withDemoTheGeneratedPassphraseIsUsedAndExemptFromTheStrengthRule() throws Exception {
        PassphraseSource source = CaPassphrase.resolve(ca, true, Map.of());
        assertThat(source.generated()).isTrue();
        assertThat(source.origin()).isEqualTo("the generated demo passphrase in " + ca.resolve("demo-passphrase"));
        assertThat(new String(source.passphrase())).isEqualTo(Files.readString(ca.resolve("demo-passphrase")).trim());
        assertThat(new String(CaPassphrase.resolve(ca, true, Map.of()).passphrase())).as("kept across starts")
            .isEqualTo(new String(source.passphrase()));
    }

    @Test
    void namingTheDemoFileExplicitlyOrConfiguringAPassphraseIsAccepted() throws Exception {
        Path demo = Files.writeString(ca.resolve("demo-passphrase"), "generated-demo-passphrase\n");
        PassphraseSource named = CaPassphrase.resolve(ca, false, Map.of(PassphraseSource.ENV_PASSPHRASE_FILE, demo.toString()));
        assertThat(new String(named.passphrase())).isEqualTo("generated-demo-passphrase");
        assertThat(named.generated()).isFalse();
        PassphraseSource configured = CaPassphrase.resolve(ca, true, Map.of(PassphraseSource.ENV_PASSPHRASE, "the operator's own passphrase"));
        assertThat(new String(configured.passphrase())).isEqualTo("the operator's own passphrase");
    }

    @Test
    void withoutAnyPassphraseTheVariablesAreNamed() throws Exception {
        PassphraseSource none = CaPassphrase.resolve(ca, false, Map.of());
        assertThatThrownBy(none::passphrase).isInstanceOf(MissingPassphraseException.class)
            .hasMessage("no passphrase for the CA keys: set CIVICMAIL_CA_PASSPHRASE to the passphrase, or"
                + " CIVICMAIL_CA_PASSPHRASE_FILE to the path of a file containing it");
        assertThat(Files.exists(ca.resolve("demo-passphrase"))).isFalse();
    }
}
