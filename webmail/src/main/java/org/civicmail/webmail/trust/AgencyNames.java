package org.civicmail.webmail.trust;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Agency names (certificate O, else CN) by certificate serial, learnt from signatures that checked out in full
 * (chain to our root, revocation) and whose serial and address the server's verdict names. The list shows
 * "已验证 · NAME" from here; a name is never taken from a certificate that merely sits in a message.
 * Bounded; thread-safe.
 */
public final class AgencyNames {

    private static final int MAX = 4096;

    private final Map<String, String> bySerial = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    public synchronized String get(String serialHex) {
        return serialHex == null ? null : bySerial.get(key(serialHex));
    }

    public synchronized void put(String serialHex, String name) {
        if (serialHex != null && name != null && !name.isBlank()) {
            bySerial.put(key(serialHex), name);
        }
    }

    private static String key(String serialHex) {
        return serialHex.replaceFirst("^0+", "").toLowerCase(Locale.ROOT);
    }
}
