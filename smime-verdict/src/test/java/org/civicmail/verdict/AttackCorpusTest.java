package org.civicmail.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.civicmail.verdict.testkit.AttackCorpus;
import org.civicmail.verdict.testkit.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture of the attack corpus gets the expected verdict from the one verifier, and its header round-trips. */
class AttackCorpusTest {

    static Stream<Fixture> fixtures() throws Exception {
        return AttackCorpus.get().fixtures.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theVerifierReachesTheExpectedVerdict(Fixture fixture) throws Exception {
        SignatureVerdict verdict = AttackCorpus.get().verifier().verify(fixture.raw(), Instant.now());
        assertThat(fixture.expected().matches(verdict))
            .as("%s (%s): got %s", fixture.name(), fixture.attack(), verdict.headerValue())
            .isTrue();
        assertThat(VerdictHeader.parse(verdict.headerValue())).as("header round trip").hasValueSatisfying(parsed ->
            assertThat(fixture.expected().matches(parsed)).as(parsed.headerValue()).isTrue());
    }
}
