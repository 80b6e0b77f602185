package org.civicmail.mailflow.smtp;

import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/** Permanent refusals with an enhanced status code and a sentence a sender can act on. */
final class SmtpRefusal {
    private SmtpRefusal() {
    }

    static HookResult deny(String code, String description) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(code)
            .smtpDescription(description)
            .build();
    }
}
