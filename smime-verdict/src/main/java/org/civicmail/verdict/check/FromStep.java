package org.civicmail.verdict.check;

import java.util.List;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.mime.AddressList;
import org.civicmail.verdict.mime.Mailbox;

/**
 * Step 7, From (RFC 8550 section 3): the message has exactly one From field naming exactly one mailbox, not in a
 * group, and that address is one of the certificate's. Two From fields, a group, or an encoded word where the
 * address belongs are refused: readers would disagree about who sent the message.
 */
public final class FromStep implements VerificationStep {

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        List<String> fields = e.message.values("From");
        if (fields.size() != 1) {
            return Optional.of(e.invalid(Reason.FROM_MISMATCH, "the message has " + fields.size()
                + " From fields; it must have exactly one"));
        }
        List<Mailbox> mailboxes = AddressList.parse(fields.get(0));
        if (mailboxes.size() != 1 || mailboxes.get(0).inGroup()) {
            return Optional.of(e.invalid(Reason.FROM_MISMATCH, "From must name exactly one address, not a list or group"));
        }
        Optional<String> address = mailboxes.get(0).normalisedAddress();
        if (address.isEmpty() || !e.identity.addresses().contains(address.get())) {
            return Optional.of(e.invalid(Reason.FROM_MISMATCH, "the message says it is from "
                + address.orElse(mailboxes.get(0).address()) + " but was signed by " + e.identity.displayAddress(e.leaf)));
        }
        return Optional.empty();
    }
}
