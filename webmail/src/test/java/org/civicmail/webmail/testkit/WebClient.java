package org.civicmail.webmail.testkit;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A minimal browser for tests: keeps cookies itself (including Secure ones over loopback http, as browsers do for
 * localhost), follows redirects by hand so tests can see every hop, and extracts the CSRF token from forms.
 */
public final class WebClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final HttpClient http;
    private final String base;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    public WebClient(String base) {
        this(base, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    public WebClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    public Map<String, String> cookies() { return cookies; }

    public HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public HttpResponse<byte[]> getBytes(String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        addCookies(b);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        keepCookies(r);
        return r;
    }

    public HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts a form given as name, value, name, value …; a name may repeat (several uid=…). */
    public HttpResponse<String> post(String path, String... nameValues) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(nameValues[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Follows a 30x chain (GET) and returns the final response. */
    public HttpResponse<String> follow(HttpResponse<String> r) throws Exception {
        int hops = 0;
        while (r.statusCode() / 100 == 3 && hops++ < 5) {
            String loc = r.headers().firstValue("Location").orElseThrow();
            r = get(loc.startsWith("http") ? URI.create(loc).getRawPath() + (URI.create(loc).getRawQuery() == null ? ""
                    : "?" + URI.create(loc).getRawQuery()) : loc);
        }
        return r;
    }

    public static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no csrf token in page:\n" + html);
        }
        return m.group(1);
    }

    /** Opens the login page and signs in; returns the page after the redirects. */
    public HttpResponse<String> login(String user, String password) throws Exception {
        String token = csrf(get("/login").body());
        return follow(post("/login", Map.of("csrf", token, "user", user, "password", password)));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        addCookies(b);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        keepCookies(r);
        return r;
    }

    private void addCookies(HttpRequest.Builder b) {
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
    }

    private void keepCookies(HttpResponse<?> r) {
        for (String sc : r.headers().allValues("Set-Cookie")) {
            String pair = sc.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
    }
}
