package org.civicmail.mime;

import javax.mail.MessagingException;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At DATA, before any other message hook reads the header and before the message is spooled: raw 8-bit header text
 * becomes encoded words ({@link EightBitHeaders}). Later would be too late: the spool writes the header as US-ASCII.
 * A header that cannot be rewritten is delivered as it is (logged), not refused. Created once per listener; called
 * concurrently.
 */
public class EightBitHeadersHook implements JamesMessageHook {
    private static final Logger LOG = LoggerFactory.getLogger(EightBitHeadersHook.class);

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            EightBitHeaders.encodeAll(mail.getMessage());
        } catch (MessagingException | RuntimeException e) {
            LOG.info("Message {}: raw 8-bit header text left as it is ({}); it will show as '?'", mail.getName(), e.toString());
        }
        return HookResult.DECLINED;
    }
}
