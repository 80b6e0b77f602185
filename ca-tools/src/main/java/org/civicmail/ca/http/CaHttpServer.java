package org.civicmail.ca.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuerSlot;
import org.civicmail.ca.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's public HTTP endpoints on the JDK HTTP server: CA certificates (PEM and DER), the CRL
 * (DER) and the OCSP responder (RFC 6960 POST and GET). Lifecycle: {@link #bind} (port 0 allowed;
 * {@link #baseUrl()} then tells the URL to configure the CA with), {@link #serve} once the
 * authority is open, {@link #close}. Until {@code serve} every request gets 503.
 */
public final class CaHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaHttpServer.class);
    /** Largest OCSP request accepted (bytes). */
    private static final int MAX_REQUEST = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile CertificateAuthority authority;

    private CaHttpServer(HttpServer server, int threads) {
        this.server = server;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ca-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Binds and starts answering (503 until {@link #serve}). */
    public static CaHttpServer bind(InetSocketAddress address) {
        return bind(address, Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    }

    public static CaHttpServer bind(InetSocketAddress address, int threads) {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK and every OCSP exchange waits ~40 ms. Read once, when the first HttpServer starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        try {
            return new CaHttpServer(HttpServer.create(address, 256), threads);
        } catch (IOException e) {
            throw new CaException("cannot listen on " + address + " for the CA HTTP endpoints: " + e.getMessage()
                    + "; choose another host:port", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** http://host:port of the bound socket (the host as bound, e.g. 127.0.0.1). */
    public String baseUrl() {
        String host = server.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    public CaHttpServer serve(CertificateAuthority ca) {
        this.authority = ca;
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            CertificateAuthority ca = authority;
            if (ca == null) {
                send(ex, 503, "text/plain", "CA not ready\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (path.equals(CaUrls.OCSP) || path.startsWith(CaUrls.OCSP + "/")) {
                ocsp(ex, ca, path, method);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "text/plain", "use GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            X509Certificate root = ca.trustAnchor();
            switch (path) {
                case CaUrls.ROOT_DER -> send(ex, 200, "application/pkix-cert", root.getEncoded());
                case CaUrls.ROOT_PEM -> send(ex, 200, "application/x-pem-file", Pem.certificates(root).getBytes(StandardCharsets.US_ASCII));
                case CaUrls.CHAIN_PEM -> send(ex, 200, "application/x-pem-file",
                        Pem.certificates(ca.caCertificates()).getBytes(StandardCharsets.US_ASCII));
                case CaUrls.ROOT_CRL -> send(ex, 200, "application/pkix-crl", ca.rootCrl());
                default -> issuerResource(ex, ca, path);
            }
        } catch (Exception e) {
            LOG.warn("CA HTTP request {} failed: {}", ex.getRequestURI(), e.toString());
            try {
                send(ex, 500, "text/plain", "internal error\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException ignored) {
                // response already started
            }
        }
    }

    /** {@code /ca/<slug>.der|pem} and {@code /crl/<slug>.crl} of each issuing CA ({@link IssuerSlot}). */
    private static void issuerResource(HttpExchange ex, CertificateAuthority ca, String path) throws IOException,
            java.security.cert.CertificateEncodingException {
        for (IssuerSlot slot : IssuerSlot.values()) {
            Optional<X509Certificate> cert = ca.issuingCertificate(slot);
            if (cert.isEmpty()) {
                continue;
            }
            if (path.equals(CaUrls.certificatePath(slot, "der"))) {
                send(ex, 200, "application/pkix-cert", cert.get().getEncoded());
                return;
            }
            if (path.equals(CaUrls.certificatePath(slot, "pem"))) {
                send(ex, 200, "application/x-pem-file", Pem.certificates(cert.get()).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (path.equals(CaUrls.crlPath(slot))) {
                send(ex, 200, "application/pkix-crl", ca.currentCrl(slot));
                return;
            }
        }
        send(ex, 404, "text/plain", ("no such CA resource; try " + CaUrls.CHAIN_PEM + ", " + CaUrls.crlPath(ca.smimeIssuer())
                + " or " + CaUrls.OCSP + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void ocsp(HttpExchange ex, CertificateAuthority ca, String path, String method) throws IOException {
        byte[] request;
        if (method.equals("POST") && path.equals(CaUrls.OCSP)) {
            try (InputStream in = ex.getRequestBody()) {
                request = in.readNBytes(MAX_REQUEST + 1);
            }
            if (request.length > MAX_REQUEST) {
                send(ex, 413, "text/plain", "OCSP request too large\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
        } else if (method.equals("GET") && path.length() > CaUrls.OCSP.length() + 1) {
            String encoded = URLDecoder.decode(path.substring(CaUrls.OCSP.length() + 1), StandardCharsets.US_ASCII);
            try {
                request = Base64.getDecoder().decode(encoded.replace(' ', '+'));
            } catch (IllegalArgumentException e) {
                request = new byte[0];
            }
        } else {
            send(ex, 405, "text/plain", "OCSP takes POST /ocsp or GET /ocsp/{base64 request}\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, "application/ocsp-response", ca.ocspResponder().respond(request));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (status == 200 && !type.equals("application/ocsp-response")) {
            ex.getResponseHeaders().set("Cache-Control", "max-age=300");
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
