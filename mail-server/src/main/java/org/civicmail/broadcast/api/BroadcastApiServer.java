package org.civicmail.broadcast.api;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.BroadcastStatus;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.DataSource;
import org.civicmail.broadcast.input.BroadcastRequest;
import org.civicmail.tls.TlsPolicy;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.tls.TlsKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * The broadcast REST API for agency systems (documented in {@code openapi/broadcast-api.yaml}): HTTPS with the
 * server's TLS certificate, and a client certificate from our CA required (mutual TLS). The certificate's email
 * address is the agency; it must be good at the CA (not revoked) and the account must have may-broadcast. An
 * agency sees only its own broadcasts. Started after James; {@link #close} stops it.
 */
public final class BroadcastApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastApiServer.class);
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer https;
    private final ExecutorService executor;
    private final BroadcastService service;
    private final ClientIdentity identity;

    private BroadcastApiServer(HttpsServer https, ExecutorService executor, BroadcastService service, ClientIdentity identity) {
        this.https = https;
        this.executor = executor;
        this.service = service;
        this.identity = identity;
    }

    public static BroadcastApiServer start(InetSocketAddress address, TlsKeyStore tls, CertificateAuthority ca, AccountStore accounts,
                                           BroadcastService service) throws IOException, GeneralSecurityException {
        KeyStore keys = tls.load();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, tls.secret());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new AgencyTrustManager(ca.trustAnchor())}, null);
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = TlsPolicy.apply(ssl.getDefaultSSLParameters());
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "broadcast-api");
            t.setDaemon(true);
            return t;
        });
        https.setExecutor(executor);
        BroadcastApiServer server = new BroadcastApiServer(https, executor, service, new ClientIdentity(ca, accounts));
        https.createContext("/broadcasts", server::handle);
        https.start();
        return server;
    }

    public int port() {
        return https.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                Account agency = identity.agencyOf((HttpsExchange) exchange);
                route(exchange, agency);
            } catch (BroadcastRefusedException e) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.summary());
                body.put("problems", e.problems());
                json(exchange, e.reason().httpStatus(), body);
            } catch (RuntimeException e) {
                LOG.warn("Broadcast API request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                json(exchange, 500, Map.of("error", "internal error: " + e.getMessage()));
            }
        }
    }

    private void route(HttpExchange exchange, Account agency) throws IOException {
        String method = exchange.getRequestMethod();
        String[] parts = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        // parts: "", "broadcasts", [id], [report|evidence]
        if (parts.length == 2 && method.equals("POST")) {
            create(exchange, agency);
        } else if (parts.length == 2 && method.equals("GET")) {
            List<Map<String, Object>> list = service.list(Optional.of(agency.address()), 100).stream()
                .map(j -> status(service.requireStatus(j.id()))).toList();
            json(exchange, 200, Map.of("broadcasts", list));
        } else if (parts.length == 3 && method.equals("GET")) {
            json(exchange, 200, status(own(parts[2], agency)));
        } else if (parts.length == 4 && method.equals("GET") && parts[3].equals("report")) {
            own(parts[2], agency);
            exchange.getResponseHeaders().set("Content-Type", "text/csv; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            try (Writer w = new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8)) {
                service.writeReport(parts[2], w);
            }
        } else if (parts.length == 4 && method.equals("GET") && parts[3].equals("evidence")) {
            own(parts[2], agency);
            byte[] der = service.evidence(parts[2]).orElseThrow(() -> new BroadcastRefusedException(Reason.NOT_FOUND,
                "broadcast " + parts[2] + " has no signed summary yet: it is written when the broadcast finishes"));
            exchange.getResponseHeaders().set("Content-Type", "application/pkcs7-mime");
            exchange.sendResponseHeaders(200, der.length);
            exchange.getResponseBody().write(der);
        } else {
            json(exchange, 404, Map.of("error", "no such resource: " + method + " " + exchange.getRequestURI().getPath()
                + "; see openapi/broadcast-api.yaml"));
        }
    }

    private BroadcastStatus own(String id, Account agency) {
        BroadcastStatus status = service.status(id).filter(s -> s.job().agency().equals(agency.address()))
            .orElseThrow(() -> new BroadcastRefusedException(Reason.NOT_FOUND, "no broadcast '" + id + "' of " + agency.address()));
        return status;
    }

    private void create(HttpExchange exchange, Account agency) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "request larger than " + MAX_BODY_BYTES / 1024 / 1024 + " MiB");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "the body is not JSON: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "the body must be a JSON object; see openapi/broadcast-api.yaml");
        }
        byte[] data = null;
        if (request.hasNonNull("csvBase64")) {
            try {
                data = Base64.getDecoder().decode(request.get("csvBase64").asText());
            } catch (IllegalArgumentException e) {
                throw new BroadcastRefusedException(Reason.BAD_INPUT, "csvBase64 is not base64: " + e.getMessage());
            }
        } else if (request.hasNonNull("csv")) {
            data = request.get("csv").asText().getBytes(StandardCharsets.UTF_8);
        }
        String template = text(request, "template").orElseThrow(() -> new BroadcastRefusedException(Reason.BAD_INPUT,
            "'template' is missing: 'Subject: ...', a blank line, then the body"));
        Optional<String> html = text(request, "html");
        BroadcastRequest broadcast = new BroadcastRequest(agency.address(), BroadcastKind.parse(text(request, "kind").orElse("")),
            "template", template.getBytes(StandardCharsets.UTF_8), "html", html.map(h -> h.getBytes(StandardCharsets.UTF_8)).orElse(null),
            "csv", data == null ? null : DataSource.of(data), text(request, "encoding"), text(request, "to"), Optional.empty(), "api");
        BroadcastPlan plan = service.plan(broadcast);
        if (request.path("dryRun").asBoolean(false)) {
            json(exchange, 200, Map.of("dryRun", true, "recipients", plan.recipients().count(), "sample", service.preview(plan)));
            return;
        }
        String id = service.submit(plan);
        exchange.getResponseHeaders().set("Location", "/broadcasts/" + id);
        json(exchange, 201, status(service.requireStatus(id)));
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }

    private static Map<String, Object> status(BroadcastStatus s) {
        BroadcastJob job = s.job();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("state", s.state());
        m.put("agency", job.agency());
        m.put("kind", job.kind().cliName());
        m.put("audience", job.audience());
        m.put("subject", job.subject());
        m.put("recipients", s.counts().total());
        m.put("delivered", s.counts().delivered());
        m.put("failed", s.counts().failed());
        m.put("pending", s.counts().pending() + s.counts().sending());
        m.put("templateSha256", job.templateSha256());
        m.put("dataSha256", job.dataSha256());
        m.put("createdAt", job.createdAt().toString());
        m.put("finishedAt", job.finishedAt().map(Object::toString).orElse(null));
        m.put("stopReason", job.stopReason().orElse(null));
        m.put("report", "/broadcasts/" + job.id() + "/report");
        m.put("evidence", s.hasEvidence() ? "/broadcasts/" + job.id() + "/evidence" : null);
        return m;
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        https.stop(0);
        executor.shutdownNow();
    }
}
