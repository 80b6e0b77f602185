package org.civicmail.mailflow.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.config.CivicMailConfig;

/**
 * Envelope policy per mailbox class:
 * an authenticated account sends only as itself; nobody unauthenticated claims a city address;
 * only classes allowed by {@code civicmail.outbound.allowed-classes} write outside the city;
 * disabled mailboxes receive nothing.
 */
public class ClassSendingPolicyHook implements MailHook, RcptHook {
    private final AccountStore accounts;
    private final CivicMailConfig config;

    @Inject
    public ClassSendingPolicyHook(AccountStore accounts, CivicMailConfig config) {
        this.accounts = accounts;
        this.config = config;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (sender.isNullSender()) {
            return HookResult.DECLINED;
        }
        MailAddress address = sender.get();
        if (session.getUsername() != null) {
            String user = session.getUsername().asString();
            if (!address.asString().equalsIgnoreCase(user)) {
                return SmtpRefusal.deny("553", "5.7.1 Sender <" + address.asString() + "> is not your mailbox; "
                    + "you are authenticated as " + user + " and may send only as yourself");
            }
            return HookResult.DECLINED;
        }
        if (config.isLocal(address.getDomain().asString())) {
            return SmtpRefusal.deny("553", "5.7.1 Sender <" + address.asString() + "> is a city mailbox: "
                + "authenticate on the submission port to send as it");
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        String domain = rcpt.getDomain().asString();
        if (config.isLocal(domain)) {
            Optional<Account> recipient = accounts.find(rcpt.asString());
            if (recipient.isPresent() && recipient.get().disabled()) {
                return SmtpRefusal.deny("550", "5.2.1 Mailbox <" + rcpt.asString() + "> is disabled");
            }
            return HookResult.DECLINED;
        }
        if (session.getUsername() == null) {
            return SmtpRefusal.deny("550", "5.7.1 Relaying denied: this server accepts mail only for city domains");
        }
        Optional<Account> senderAccount = accounts.find(session.getUsername().asString());
        if (senderAccount.isEmpty() || !config.mayWriteOutside(senderAccount.get().accountClass())) {
            String cls = senderAccount.map(a -> a.accountClass().cliName()).orElse("this");
            return SmtpRefusal.deny("550", "5.7.1 " + cls + " accounts may write only to city mailboxes; <"
                + rcpt.asString() + "> is outside the city");
        }
        return HookResult.DECLINED;
    }
}
