package org.civicmail.webmail.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector. With client auth requested, the TLS layer accepts any client certificate and the
 * application checks it (chain to our root, validity, revocation) so a refused certificate gets a clear page
 * instead of a broken handshake.
 */
public final class HttpsConnector {

    private HttpsConnector() {}

    public static ServerConnector create(Server server, HttpConfiguration base, String host, int port, Path keystore,
                                         char[] password, boolean wantClientAuth, List<X509Certificate> anchors)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] {new AcceptClientCertificates(anchors)}, null);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(ctx);
        ssl.setWantClientAuth(wantClientAuth);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // AEAD suites only (the server's TlsPolicy; civicmail start also passes it as the JVM's TLS server default).
        // Jetty's own excludes still drop suites without forward secrecy (TLS_RSA_*).
        ssl.setIncludeCipherSuites("^TLS_.*_GCM_SHA(256|384)$", "^TLS_.*_CHACHA20_POLY1305_SHA256$");

        HttpConfiguration https = new HttpConfiguration(base);
        https.setSecureScheme("https");
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        return c;
    }

    /** Hands every client certificate to the application; names our roots as acceptable issuers. */
    private static final class AcceptClientCertificates extends X509ExtendedTrustManager {
        private final X509Certificate[] issuers;

        AcceptClientCertificates(List<X509Certificate> anchors) {
            this.issuers = anchors.toArray(new X509Certificate[0]);
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override public X509Certificate[] getAcceptedIssuers() { return issuers.clone(); }
    }
}
