package org.civicmail.mailflow.sender;

import java.util.Optional;

/**
 * One mailbox a reader is shown as the sender of a message: an entry of a From or Sender field (members of a group
 * included), or the name of a group, which has a display name and no address.
 *
 * @param field       the header field it came from ({@code From} or {@code Sender})
 * @param displayName the display name as a reader sees it: RFC 2047 encoded words decoded, raw UTF-8 read as UTF-8;
 *                    empty when there is none
 * @param address     the address, lower-cased, with any encoded word inside it decoded; empty for a group's name
 */
public record ShownSender(String field, String displayName, Optional<String> address) {
    /** The domains the address names: after its last {@code @}, and after any {@code @} inside a quoted local part. */
    public java.util.List<String> domains() {
        return address.map(ShownSender::domainsIn).orElse(java.util.List.of());
    }

    static java.util.List<String> domainsIn(String address) {
        java.util.List<String> domains = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("@([^@\"\\s<>()\\[\\],;:\\\\]+)").matcher(address);
        while (m.find()) {
            domains.add(m.group(1));
        }
        return domains;
    }
}
