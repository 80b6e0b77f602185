package org.civicmail.authority;

import java.util.Map;

/**
 * {@link CertificateProfilesIT} on a server configured, through its configuration keys, for RSA-3072 everywhere: the
 * CA's own keys ({@code civicmail.ca.key-algorithm}) and the keys it generates for each class and for the listeners
 * ({@code civicmail.ca.subscriber-key.<use>}), as a city needing gpgsm 2.2 or NSS 3.87 encryption would set them.
 * Every certificate the running server issues, and the one its listeners present, must be RSA-3072 and pass openssl
 * and NSS.
 */
class RsaCertificateProfilesIT extends CertificateProfilesIT {
    @Override
    Map<String, String> configuration() {
        return Map.of(
            "civicmail.ca.key-algorithm", "rsa-3072",
            "civicmail.ca.subscriber-key.citizen", "rsa-3072",
            "civicmail.ca.subscriber-key.official", "rsa-3072",
            "civicmail.ca.subscriber-key.agency", "rsa-3072",
            "civicmail.ca.subscriber-key.legal-entity", "rsa-3072",
            "civicmail.ca.subscriber-key.tls", "rsa-3072");
    }

    @Override
    int expectedBits() {
        return 3072;
    }
}
