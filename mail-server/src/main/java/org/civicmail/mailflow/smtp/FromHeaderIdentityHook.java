package org.civicmail.mailflow.smtp;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.civicmail.mailflow.sender.CityDomains;
import org.civicmail.mailflow.sender.SenderHeaders;
import org.civicmail.mailflow.sender.ShownSender;
import org.civicmail.mailflow.sender.UnreadableSenderException;
import org.civicmail.config.CivicMailConfig;

/**
 * The From and Sender headers are what a reader sees, so they get the envelope's rule, checked at DATA on every
 * address they show ({@link SenderHeaders}: lists, groups, duplicated fields, encoded words):
 * <ul>
 * <li>an authenticated account's From (and Sender) must be its own address;</li>
 * <li>unauthenticated mail (the smtp port) that shows a city address, or an address in a subdomain of a city domain,
 *     is refused with 550 5.7.1, as a domain publishing DMARC {@code p=reject} would have it refused
 *     ({@link CivicMailConfig#REJECT_CITY_FROM}, on by default); the city's mail leaves and re-enters only through
 *     the submission port.</li>
 * </ul>
 * A From or Sender that cannot be parsed is refused (554 5.6.0): what cannot be checked is not delivered.
 * Created once per listener; called concurrently.
 */
public class FromHeaderIdentityHook implements JamesMessageHook {
    private final CityDomains cityDomains;
    private final boolean rejectCityFrom;

    @Inject
    public FromHeaderIdentityHook(CivicMailConfig config, CityDomains cityDomains) {
        this.cityDomains = cityDomains;
        this.rejectCityFrom = config.rejectCityFrom();
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        List<ShownSender> shown;
        try {
            shown = SenderHeaders.of(mail.getMessage());
        } catch (UnreadableSenderException e) {
            return SmtpRefusal.deny("554", "5.6.0 " + e.getMessage());
        } catch (MessagingException e) {
            return SmtpRefusal.deny("554", "5.6.0 The message header cannot be parsed: fix the header syntax");
        }
        if (session.getUsername() != null) {
            return ownAddressOnly(session.getUsername().asString(), shown);
        }
        if (rejectCityFrom) {
            for (ShownSender sender : shown) {
                Optional<String> city = cityDomains.claimedBy(sender);
                if (city.isPresent()) {
                    return SmtpRefusal.deny("550", "5.7.1 " + sender.field() + ": <" + sender.address().orElseThrow() + "> is in the city domain "
                        + city.get() + ", and unauthenticated mail may not use the city's domains (city-domain rule, "
                        + CivicMailConfig.REJECT_CITY_FROM + ", as DMARC p=reject); city mailboxes send through the submission port");
                }
            }
        }
        return HookResult.DECLINED;
    }

    private static HookResult ownAddressOnly(String user, List<ShownSender> shown) {
        if (shown.stream().noneMatch(s -> s.field().equals("From") && s.address().isPresent())) {
            return SmtpRefusal.deny("550", "5.7.1 Message has no From header; use From: <" + user + ">");
        }
        for (ShownSender sender : shown) {
            String address = sender.address().orElse(null);
            if (address != null && !user.equalsIgnoreCase(address)) {
                return SmtpRefusal.deny("550", "5.7.1 " + sender.field() + ": <" + address + "> is not your mailbox; "
                    + "you are authenticated as " + user);
            }
        }
        return HookResult.DECLINED;
    }
}
