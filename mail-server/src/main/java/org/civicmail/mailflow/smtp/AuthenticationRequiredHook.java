package org.civicmail.mailflow.smtp;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

/** Submission port: no MAIL FROM before AUTH, whatever the recipient (RFC 6409 section 4.3). */
public class AuthenticationRequiredHook implements MailHook {
    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.getUsername() != null) {
            return HookResult.DECLINED;
        }
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.AUTH_REQUIRED)
            .smtpDescription("5.7.0 Authentication required: STARTTLS, then AUTH with your mailbox address and password")
            .build();
    }
}
