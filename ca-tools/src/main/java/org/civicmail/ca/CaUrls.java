package org.civicmail.ca;

import java.net.URI;
import java.util.Locale;

/**
 * The HTTP URLs written into certificates (CRL distribution point, AIA OCSP and caIssuers) and
 * served by {@link org.civicmail.ca.http.CaHttpServer}, all under one base URL; each issuing CA has its own
 * CRL and certificate URL ({@link IssuerSlot#slug()}).
 */
public record CaUrls(String base) {
    public static final String ROOT_DER = "/ca/root.der";
    public static final String ROOT_PEM = "/ca/root.pem";
    public static final String CHAIN_PEM = "/ca/chain.pem";
    public static final String ROOT_CRL = "/crl/root.crl";
    public static final String OCSP = "/ocsp";

    public CaUrls {
        String b = base == null ? "" : base.trim();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(b);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"http".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) || uri.getHost() == null
                || uri.getQuery() != null) {
            throw new InvalidInputException("CA base URL '" + base + "' must be a plain http:// URL such as"
                    + " http://ca.city.example:8088 (CRL and OCSP URLs in certificates are HTTP, not HTTPS)");
        }
        base = b;
    }

    /** {@code /crl/<slug>.crl}: the CRL of one issuing CA. */
    public String crl(IssuerSlot slot) {
        return base + crlPath(slot);
    }

    public static String crlPath(IssuerSlot slot) {
        return "/crl/" + slot.slug() + ".crl";
    }

    /** {@code /ca/<slug>.der}: the certificate of one issuing CA, for AIA caIssuers. */
    public String caIssuers(IssuerSlot slot) {
        return base + certificatePath(slot, "der");
    }

    public static String certificatePath(IssuerSlot slot, String format) {
        return "/ca/" + slot.slug() + "." + format;
    }

    public String rootCertificate() {
        return base + ROOT_DER;
    }

    public String rootCrl() {
        return base + ROOT_CRL;
    }

    public String ocsp() {
        return base + OCSP;
    }

}
