package org.civicmail.login.smtp;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.civicmail.login.AccountLogin;

/** A submission session that authenticated before its account was disabled sends nothing more. */
public class DisabledAccountMailHook implements MailHook {
    private final AccountLogin login;

    @Inject
    public DisabledAccountMailHook(AccountLogin login) {
        this.login = login;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.getUsername() == null || login.enabled(session.getUsername().asString())) {
            return HookResult.DECLINED;
        }
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
            .smtpDescription("5.7.1 Account " + session.getUsername().asString() + " is disabled; ask the city mail office")
            .build();
    }
}
