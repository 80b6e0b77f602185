package org.civicmail.tls;

import java.util.List;
import java.util.stream.Collectors;

import javax.net.ssl.SSLParameters;

/**
 * What every TLS listener of CivicMail offers: TLS 1.3 and 1.2 only, and only AEAD cipher suites (AES-GCM,
 * ChaCha20-Poly1305) with forward secrecy. CBC suites (Lucky 13, POODLE-style padding oracles) and TLS 1.0/1.1 are
 * never negotiated, whatever a client proposes.
 * <p>
 * The one list; it reaches each listener three ways: James's SMTP/IMAP listeners through the rendered
 * {@code <tls>} element ({@link #jamesTlsElements()}), in-process HTTPS servers through {@link #apply}, and any
 * server socket of a JVM we start (the webmail) through the JDK's server defaults ({@link #jvmOptions()}).
 */
public final class TlsPolicy {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> CIPHER_SUITES = List.of(
        // TLS 1.3 (all AEAD by definition)
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        // TLS 1.2: ephemeral ECDH key agreement and AEAD only
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }

    /** Restricts a server's parameters to the policy (keeps its client-authentication settings). */
    public static SSLParameters apply(SSLParameters parameters) {
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        // Our order, not the client's: a client offering a weaker AEAD suite first still gets the strongest shared one.
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }

    /** The children of James's {@code <tls>} element (read by James's SslConfig) that enforce the policy. */
    public static String jamesTlsElements() {
        return "<supportedProtocols>" + PROTOCOLS.stream().map(p -> "<protocol>" + p + "</protocol>").collect(Collectors.joining())
            + "</supportedProtocols><supportedCipherSuites>"
            + CIPHER_SUITES.stream().map(c -> "<cipherSuite>" + c + "</cipherSuite>").collect(Collectors.joining())
            + "</supportedCipherSuites>";
    }

    /** JVM options making the policy the default of every TLS server socket or engine in a child JVM. */
    public static List<String> jvmOptions() {
        return List.of("-Djdk.tls.server.protocols=" + String.join(",", PROTOCOLS),
            "-Djdk.tls.server.cipherSuites=" + String.join(",", CIPHER_SUITES));
    }
}
