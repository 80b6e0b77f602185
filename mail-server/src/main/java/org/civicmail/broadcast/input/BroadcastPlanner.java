package org.civicmail.broadcast.input;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.broadcast.input.BroadcastPlan.Recipient;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.account.ResidentIdNumber;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SigningCredential;

/**
 * Validates a whole broadcast before anything is stored or sent: the agency's permission and credential, the
 * template, every data row (recipient known, no field missing, attachment present), every placeholder's column.
 * All problems are collected and reported together, by row number. Thread-safe.
 */
public final class BroadcastPlanner {
    public static final String ADDRESS_COLUMN = "address";
    public static final String ATTACHMENT_COLUMN = "attachment";

    private final AccountStore accounts;
    private final AccountKeyStore keys;

    public BroadcastPlanner(AccountStore accounts, AccountKeyStore keys) {
        this.accounts = accounts;
        this.keys = keys;
    }

    public BroadcastPlan plan(BroadcastRequest request) {
        Account agency = accounts.find(request.from()).orElseThrow(() -> new BroadcastRefusedException(Reason.FORBIDDEN,
            request.from() + " is not an account here; only agencies with the may-broadcast permission can broadcast"));
        if (!agency.mayBroadcast()) {
            throw new BroadcastRefusedException(Reason.FORBIDDEN, agency.address() + " may not broadcast (its account lacks the "
                + "may-broadcast permission; an administrator grants it with `account add ... --may-broadcast`)");
        }
        if (agency.disabled()) {
            throw new BroadcastRefusedException(Reason.FORBIDDEN, agency.address() + " is disabled and cannot broadcast");
        }
        SigningCredential credential = keys.usable(agency.address()).orElseThrow(() -> new BroadcastRefusedException(Reason.FORBIDDEN,
            agency.address() + " has no usable signing certificate (none issued, expired or revoked); every broadcast is signed "
            + "with the agency's own certificate: issue one with `./civicmail ca issue --address " + agency.address() + "`"));

        Template template = Template.parse(request.templateName(), request.template(), request.htmlName(), request.html());
        List<String> problems = new ArrayList<>();
        Recipients recipients;
        String dataSha = null;
        String charset = null;
        if (request.kind().personalised()) {
            DataFileRecipients rows = DataFileRecipients.validate(request.dataName(), request.data(), request.encoding(), template,
                request.templateName(), request.attachmentBase(), accounts, problems);
            charset = rows.charset().name();
            recipients = rows;
            dataSha = rows.sha256();
        } else {
            if (!template.placeholders().isEmpty()) {
                problems.add(request.templateName() + ": a policy-notice has one content for everyone, but the template has "
                    + "placeholders " + template.placeholders().stream().map(p -> "{{" + p + "}}").toList()
                    + "; remove them or use a personalised kind with --data");
            }
            recipients = audience(Audience.parse(request.to().orElseThrow()), problems);
        }
        if (problems.isEmpty() && recipients.count() == 0) {
            problems.add("the audience " + (request.kind().personalised() ? request.dataName() : request.to().orElse(""))
                + " has no recipients; nothing to send");
        }
        if (!problems.isEmpty()) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, problems.size() + " problem(s); nothing was sent", problems);
        }
        String templateText = new String(request.template(), StandardCharsets.UTF_8);
        String htmlText = request.html() == null ? null : new String(request.html(), StandardCharsets.UTF_8);
        byte[] templateBytes = request.html() == null ? request.template() : concat(request.template(), request.html());
        String audience = request.kind().personalised() ? request.dataName() + " (" + recipients.count() + " rows)"
            : Audience.parse(request.to().orElseThrow()).describe();
        return new BroadcastPlan(agency, credential, request.kind(), template, templateText, htmlText, audience, recipients,
            sha256(templateBytes), dataSha, charset, request.origin());
    }

    private Optional<Account> lookup(String given) {
        String value = given.trim();
        if (value.indexOf('@') < 0) {
            String id = value.toUpperCase(Locale.ROOT);
            return id.matches("\\d{17}[\\dX]") ? accounts.findByIdNumber(id) : Optional.empty();
        }
        return accounts.find(value.toLowerCase(Locale.ROOT));
    }

    /** An audience of accounts is only counted here; it is read as it is stored (AccountAudience). */
    private Recipients audience(Audience audience, List<String> problems) {
        if (audience.type() != Audience.Type.EXPLICIT) {
            return new AccountAudience(accounts, audience.accountClass(), audience.tags());
        }
        Map<String, Recipient> unique = new LinkedHashMap<>();
        for (String member : audience.members()) {
            Optional<Account> account = lookup(member);
            if (account.isEmpty()) {
                problems.add("--to: no account '" + ResidentIdNumber.maskIfIdNumber(member) + "' (unknown recipient)");
            } else {
                unique.putIfAbsent(account.get().address(), new Recipient(account.get().address(), 0, Map.of(), Optional.empty()));
            }
        }
        return new ListedRecipients(new ArrayList<>(unique.values()));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    /** A fresh SHA-256 digest (the one digest of templates, data, addresses and reports). */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
