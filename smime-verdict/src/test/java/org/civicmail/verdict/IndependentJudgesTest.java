package org.civicmail.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.civicmail.verdict.mime.ContentType;
import org.civicmail.verdict.mime.MimeEntity;
import org.civicmail.verdict.mime.Multipart;
import org.civicmail.verdict.testkit.AttackCorpus;
import org.civicmail.verdict.testkit.Fixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * openssl and NSS (cmsutil, the library Thunderbird uses) judge the cryptographic part of every corpus fixture —
 * the signature over exactly the signed bytes — and must agree with the corpus (and so with our verifier, which
 * {@link AttackCorpusTest} holds to the same corpus): intact where we go past the signature step, broken where we
 * say tampered, nothing to verify where we say the message is not signed.
 */
class IndependentJudgesTest {
    @TempDir
    static Path dir;
    static Path nssDb;

    static Stream<Fixture> fixtures() throws Exception {
        return AttackCorpus.get().fixtures.stream();
    }

    @BeforeAll
    static void nssDatabase() throws Exception {
        nssDb = Files.createDirectories(dir.resolve("nssdb"));
        Result r = run(List.of("certutil", "-N", "-d", "sql:" + nssDb, "--empty-password"));
        assertThat(r.exit()).as(r.output()).isZero();
        // NSS reports an untrusted signer before a digest mismatch: trust the corpus roots (the impostor's too) so it
        // gets to judge the signature; the city's issuing CA is known (untrusted) so leaf-only signatures chain.
        AttackCorpus corpus = AttackCorpus.get();
        trust("city-root", corpus.city.root.cert(), "C,C,C");
        trust("city-issuing", corpus.city.issuing.cert(), ",,");
        trust("foreign-root", corpus.foreign.root.cert(), "C,C,C");
        trust("impostor-root", corpus.impostor.root.cert(), "C,C,C");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void opensslAgreesOnTheSignature(Fixture fixture) throws Exception {
        Path file = Files.write(dir.resolve(fixture.name() + ".eml"), fixture.raw());
        // -noverify: the signature and digest only; chain, dates and revocation are judged by our later steps.
        Result r = run(List.of("openssl", "cms", "-verify", "-noverify", "-in", file.toString(), "-out", dir.resolve(fixture.name() + ".out").toString()));
        switch (fixture.crypto()) {
            case INTACT -> assertThat(r.exit()).as("%s: openssl says %s", fixture.name(), r.output()).isZero();
            // OpenSSL 3 words a content digest mismatch as a verify_content failure (EC keys) or "digest failure".
            case BROKEN -> assertThat(r.output()).as(fixture.name()).containsAnyOf("CMS_SignerInfo_verify_content", "digest failure");
            case STRUCTURE_REFUSED -> assertThat(r.output()).as(fixture.name()).contains("Error reading SMIME Content Info");
            case NOT_SIGNED -> assertThat(r.exit()).as("%s: openssl says %s", fixture.name(), r.output()).isNotZero();
        }
    }

    private static void trust(String nickname, java.security.cert.X509Certificate cert, String trust) throws Exception {
        Path file = Files.write(dir.resolve(nickname + ".der"), cert.getEncoded());
        Result r = run(List.of("certutil", "-A", "-d", "sql:" + nssDb, "-n", nickname, "-t", trust, "-i", file.toString()));
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void nssAgreesOnTheSignature(Fixture fixture) throws Exception {
        if (fixture.name().equals("two-boundaries")) {
            // Which boundary? NSS is handed a split, and there is no one split to hand it; we refuse the message.
            return;
        }
        if (fixture.crypto() == Fixture.Crypto.NOT_SIGNED) {
            assertThat(signedParts(fixture.raw())).as("%s has no top-level signature for NSS to judge", fixture.name()).isNull();
            return;
        }
        byte[][] parts = signedParts(fixture.raw());
        Path signature = Files.write(dir.resolve(fixture.name() + ".p7s"), parts[1]);
        List<String> command = new ArrayList<>(List.of("cmsutil", "-D", "-n", "-d", "sql:" + nssDb, "-i", signature.toString()));
        if (parts[0] != null) {
            command.addAll(List.of("-c", Files.write(dir.resolve(fixture.name() + ".content"), parts[0]).toString()));
        }
        Result r = run(command);
        boolean broken = r.output().contains("DigestMismatch") || r.output().contains("BadSignature");
        assertThat(broken).as("%s: cmsutil says %s", fixture.name(), r.output()).isEqualTo(fixture.crypto() == Fixture.Crypto.BROKEN);
        if (fixture.name().equals("signing-time-before-issue")) {
            // The one known difference, by design (issue 11 point 4): NSS judges the certificate at the sender's
            // signingTime, we at arrival. The signature itself is intact for both (checked above).
            assertThat(r.output()).contains("SigningCertNotTrusted");
        } else if (fixture.expected().kind() == SignatureVerdict.Kind.VALID) {
            // With the corpus roots trusted NSS accepts what we accept, leaf-only signatures included.
            assertThat(r.exit()).as("%s: cmsutil says %s", fixture.name(), r.output()).isZero();
        }
        if (fixture.expected().reason() == SignatureVerdict.Reason.BAD_KEY_USAGE) {
            assertThat(r.output()).as(fixture.name()).contains("SEC_ERROR_INADEQUATE_CERT_TYPE");
        }
    }

    /** {content (null when encapsulated), CMS DER} of a top-level signature, found without our MIME classes' help beyond splitting. */
    private static byte[][] signedParts(byte[] raw) throws Exception {
        MimeEntity message = MimeEntity.parse(raw);
        ContentType type = message.contentType().orElse(null);
        if (type == null) {
            return null;
        }
        if (type.is("multipart/signed")) {
            Multipart m = Multipart.of(message, type.parameter("boundary").orElseThrow());
            byte[] content = new String(m.parts().get(0).rawBytes(), StandardCharsets.ISO_8859_1).replaceAll("(?<!\r)\n", "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
            return new byte[][] {content, Base64.getMimeDecoder().decode(m.parts().get(1).body())};
        }
        if (type.is("application/pkcs7-mime")) {
            return new byte[][] {null, Base64.getMimeDecoder().decode(message.body())};
        }
        return null;
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
