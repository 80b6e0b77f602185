package org.civicmail.broadcast.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.broadcast.input.BroadcastPlan.Recipient;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
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
    /** Above this many rows, accounts are read in one pass instead of one query per row. */
    private static final int BULK_LOOKUP_THRESHOLD = 2_000;

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
            DataFile data = DataFile.parse(request.dataName(), request.data(), request.encoding());
            charset = data.charset().name();
            problems.addAll(data.problems());
            recipients = new ListedRecipients(rows(request, template, data, problems));
            dataSha = sha256(request.data());
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

    private List<Recipient> rows(BroadcastRequest request, Template template, DataFile data, List<String> problems) {
        Set<String> columns = new LinkedHashSet<>(data.columns());
        if (!data.columns().isEmpty() && !columns.contains(ADDRESS_COLUMN)) {
            problems.add(data.name() + " row 1: there is no '" + ADDRESS_COLUMN + "' column naming the recipients (columns: "
                + String.join(", ", data.columns()) + ")");
            return List.of();
        }
        problems.addAll(template.missingColumns(request.templateName(), columns, data.name()));
        boolean hasAttachments = columns.contains(ATTACHMENT_COLUMN);
        if (hasAttachments && request.attachmentBase().isEmpty()) {
            problems.add(data.name() + ": per-row attachments are only accepted from the command line (files on the server's disk)");
            hasAttachments = false;
        }
        Map<String, Account> known = data.rows().size() > BULK_LOOKUP_THRESHOLD ? allAccounts() : null;
        Map<String, Integer> firstRowOf = new HashMap<>();
        List<Recipient> recipients = new ArrayList<>(data.rows().size());
        for (DataFile.Row row : data.rows()) {
            String where = data.name() + " row " + row.rowNumber() + ": ";
            int before = problems.size();
            String given = row.values().get(ADDRESS_COLUMN);
            Optional<Account> account = given.isEmpty() ? Optional.empty() : lookup(given, known);
            if (given.isEmpty()) {
                problems.add(where + "the address is empty");
            } else if (account.isEmpty()) {
                problems.add(where + "no account '" + ResidentIdNumber.maskIfIdNumber(given) + "' (unknown recipient)");
            } else {
                Integer first = firstRowOf.putIfAbsent(account.get().address(), row.rowNumber());
                if (first != null) {
                    problems.add(where + account.get().address() + " already has row " + first + "; one row per recipient");
                }
            }
            for (String column : template.placeholders()) {
                String value = row.values().get(column);
                if (value != null && value.isEmpty()) {
                    problems.add(where + "column '" + column + "' is empty, but the template uses {{" + column + "}}");
                }
            }
            Optional<Path> attachment = Optional.empty();
            if (hasAttachments && !row.values().get(ATTACHMENT_COLUMN).isEmpty()) {
                Path file = request.attachmentBase().get().resolve(row.values().get(ATTACHMENT_COLUMN)).normalize();
                String problem = checkPdf(file);
                if (problem != null) {
                    problems.add(where + "attachment " + file + " " + problem);
                } else {
                    attachment = Optional.of(file);
                }
            }
            if (problems.size() == before) {
                recipients.add(new Recipient(account.get().address(), row.rowNumber(), new TreeMap<>(row.values()), attachment));
            }
        }
        return recipients;
    }

    private static String checkPdf(Path file) {
        if (!Files.isRegularFile(file)) {
            return "does not exist";
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(5);
            return new String(magic, StandardCharsets.ISO_8859_1).equals("%PDF-") ? null : "is not a PDF file";
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    private Optional<Account> lookup(String given, Map<String, Account> known) {
        String value = given.trim();
        if (value.indexOf('@') < 0) {
            String id = value.toUpperCase(Locale.ROOT);
            return id.matches("\\d{17}[\\dX]") ? accounts.findByIdNumber(id) : Optional.empty();
        }
        String address = value.toLowerCase(Locale.ROOT);
        if (known != null) {
            Account a = known.get(address);
            if (a != null) {
                return Optional.of(a);
            }
        }
        return accounts.find(address);
    }

    private Map<String, Account> allAccounts() {
        Map<String, Account> all = new HashMap<>();
        for (AccountClass c : AccountClass.values()) {
            accounts.forEach(c, List.of(), a -> all.put(a.address(), a));
        }
        return all;
    }

    /** An audience of accounts is only counted here; it is read as it is stored (AccountAudience). */
    private Recipients audience(Audience audience, List<String> problems) {
        if (audience.type() != Audience.Type.EXPLICIT) {
            return new AccountAudience(accounts, audience.accountClass(), audience.tags());
        }
        Map<String, Recipient> unique = new LinkedHashMap<>();
        for (String member : audience.members()) {
            Optional<Account> account = lookup(member, null);
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
