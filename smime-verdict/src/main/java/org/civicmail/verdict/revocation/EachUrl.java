package org.civicmail.verdict.revocation;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Asks each revocation address a certificate names, in its order, until one answers; when none does, the status is
 * unknown with every address's problem; and reads one address's answer over HTTP. One rule for the CRL and the OCSP
 * client.
 */
final class EachUrl {
    /** One address's answer; an exception is that address's problem. */
    @FunctionalInterface
    interface Ask {
        RevocationStatus at(String url) throws Exception;
    }

    private EachUrl() {
    }

    /**
     * @param kind     the name a problem is reported under, e.g. {@code CRL}
     * @param missing  what the certificate lacks when it names no address, e.g. {@code OCSP responder}
     */
    static RevocationStatus firstAnswer(List<String> urls, String kind, String missing, Ask ask) {
        if (urls.isEmpty()) {
            return RevocationStatus.unknown("the certificate names no " + missing);
        }
        StringBuilder problems = new StringBuilder();
        for (String url : urls) {
            try {
                return ask.at(url);
            } catch (Exception e) {
                problems.append(problems.length() == 0 ? "" : "; ").append(kind).append(' ').append(url).append(": ")
                    .append(e.getMessage());
            }
        }
        return RevocationStatus.unknown(problems.toString());
    }

    /** The body of one address's answer; anything but HTTP 200 is that address's problem. */
    static byte[] body(HttpClient http, HttpRequest request) throws IOException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }
}
