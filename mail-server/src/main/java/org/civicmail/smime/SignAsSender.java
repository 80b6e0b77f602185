package org.civicmail.smime;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.civicmail.mailflow.ParameterlessMailet;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;
import org.civicmail.verdict.SignatureVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs mail submitted by an authenticated official or legal-entity account with that account's own
 * certificate. The SMTP hooks already guaranteed that envelope and From are the account. A message the sender
 * already signed validly is left alone. Without a usable credential (revoked certificate, disabled account) the
 * message goes out unsigned and its readers are warned: a revoked key never signs again.
 * Initialised once; {@link #service} runs concurrently.
 */
public class SignAsSender extends ParameterlessMailet {
    private static final Logger LOG = LoggerFactory.getLogger(SignAsSender.class);

    private final AccountStore accounts;
    private final AccountKeyStore keys;
    private final SmimeSigner signer;
    private final SignatureVerifier verifier;

    @Inject
    public SignAsSender(AccountStore accounts, AccountKeyStore keys, SmimeSigner signer, SignatureVerifier verifier) {
        this.accounts = accounts;
        this.keys = keys;
        this.signer = signer;
        this.verifier = verifier;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> user = mail.getAttribute(Mail.SMTP_AUTH_USER).map(a -> String.valueOf(a.getValue().value()));
        if (user.isEmpty()) {
            return;
        }
        Optional<Account> account = accounts.find(user.get());
        if (account.isEmpty() || account.get().accountClass() == AccountClass.CITIZEN) {
            return;
        }
        MimeMessage message = mail.getMessage();
        if (message.isMimeType("multipart/signed") && verifier.verify(MessageBytes.of(message), java.time.Instant.now()).isValid()) {
            return;
        }
        Optional<SigningCredential> credential = keys.usable(account.get().address());
        if (credential.isEmpty()) {
            LOG.warn("Not signing mail of {}: no valid signing certificate (revoked, expired or never issued)", account.get().address());
            return;
        }
        mail.setMessage(signer.sign(message, credential.get()));
    }
}
