package org.civicmail.broadcast.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.account.AccountStore;
import org.civicmail.account.ResidentIdNumber;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.broadcast.input.BroadcastPlan.Recipient;

/**
 * The recipients of a personalised broadcast: the rows of its data file, validated by streaming through the file
 * ({@link #validate}) and read from it again as they are stored ({@link #forEach}). Neither pass holds the rows: rows
 * are resolved to accounts a slice at a time (one connection per {@value #SLICE} rows, an index look-up per row), and
 * duplicates are found through 8-byte hashes of the addresses seen ({@link SeenAddresses}), confirmed by a second
 * pass when one repeats. What is kept per row is that hash, not the row. The store pass checks the file's digest against the validated one, so
 * a file changed in between is refused, not half-stored.
 */
public final class DataFileRecipients implements Recipients {
    /** Rows resolved to accounts at a time. */
    static final int SLICE = 500;
    /** Problems listed in a refusal; the others are counted. */
    static final int LISTED_PROBLEMS = 1_000;
    private static final Pattern ROW = Pattern.compile(" row (\\d+):");

    private final String name;
    private final DataSource source;
    private final Optional<String> encoding;
    private final Template template;
    private final Optional<Path> attachmentBase;
    private final AccountStore accounts;
    private final String sha256;
    private Charset charset;
    private List<String> columns = List.of();
    private int count;
    private Recipient first;

    private DataFileRecipients(String name, DataSource source, Optional<String> encoding, Template template,
                               Optional<Path> attachmentBase, AccountStore accounts, String sha256) {
        this.name = name;
        this.source = source;
        this.encoding = encoding;
        this.template = template;
        this.attachmentBase = attachmentBase;
        this.accounts = accounts;
        this.sha256 = sha256;
    }

    /**
     * Validates every row (recipient known, no duplicate, no field the template uses empty, attachment a PDF);
     * problems go to {@code problems} by row, at most {@link #LISTED_PROBLEMS} of them with a count of the rest.
     * {@code templateName} names the template in its problems.
     */
    static DataFileRecipients validate(String name, DataSource source, Optional<String> encoding, Template template, String templateName,
                                       Optional<Path> attachmentBase, AccountStore accounts, List<String> problems) {
        DataFileRecipients r = new DataFileRecipients(name, source, encoding, template, attachmentBase, accounts, digest(name, source));
        Problems found = new Problems();
        SeenAddresses seen = new SeenAddresses();
        Set<String> repeated = new HashSet<>();
        r.walk(source, found, (row, address) -> {
            if (!seen.add(address)) {
                repeated.add(address);
            }
        }, templateName);
        if (!repeated.isEmpty() && !found.full()) {
            // Second pass, only when an address hash repeated: which rows, exactly (a hash collision is no duplicate).
            Map<String, Integer> firstRowOf = new HashMap<>();
            r.walk(source, new Problems(), (row, address) -> {
                if (repeated.contains(address)) {
                    Integer earlier = firstRowOf.putIfAbsent(address, row.rowNumber());
                    if (earlier != null) {
                        found.add(row.rowNumber(), name + " row " + row.rowNumber() + ": " + address + " already has row " + earlier
                            + "; one row per recipient");
                    }
                }
            }, templateName);
        }
        found.into(problems);
        r.count = found.rowsOk;
        r.first = found.first;
        return r;
    }

    public Charset charset() {
        return charset;
    }

    /** The SHA-256 of the file's bytes, as validated. */
    public String sha256() {
        return sha256;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public Recipient first() {
        return first;
    }

    /** Reads the file again, row by row; refuses (a runtime exception) when it is not the file that was validated. */
    @Override
    public void forEach(Consumer<Recipient> each) {
        MessageDigest[] digest = new MessageDigest[1];
        DataSource digested = () -> {
            digest[0] = BroadcastPlanner.sha256Digest();
            return new DigestInputStream(source.open(), digest[0]);
        };
        Problems problems = new Problems();
        problems.each = each;
        walk(digested, problems, (row, address) -> { }, "template");
        if (problems.total > 0 || !HexFormat.of().formatHex(digest[0].digest()).equals(sha256)) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " changed after it was validated; nothing was stored, send it again");
        }
    }

    /** What a pass does with each good row's recipient address, besides counting it. */
    @FunctionalInterface
    private interface RowCheck {
        void check(DataFile.Row row, String address);
    }

    /** Problems of one pass, by row, the first {@link #LISTED_PROBLEMS} kept; and the good rows' count and first. */
    private static final class Problems {
        final TreeMap<Integer, List<String>> byRow = new TreeMap<>();
        int kept;
        int total;
        int rowsOk;
        Recipient first;
        Consumer<Recipient> each;

        void add(int row, String problem) {
            total++;
            if (kept < LISTED_PROBLEMS) {
                kept++;
                byRow.computeIfAbsent(row, k -> new ArrayList<>()).add(problem);
            }
        }

        boolean full() {
            return kept >= LISTED_PROBLEMS;
        }

        void into(List<String> problems) {
            byRow.values().forEach(problems::addAll);
            if (total > kept) {
                problems.add("... and " + (total - kept) + " more problem(s) not listed");
            }
        }
    }

    /** One pass through the file: rows in slices of {@link #SLICE}, each resolved to its account and checked. */
    private void walk(DataSource from, Problems problems, RowCheck check, String templateName) {
        List<DataFile.Row> slice = new ArrayList<>(SLICE);
        boolean[] usable = {true};
        boolean[] attachments = {false};
        DataFile.read(name, from, encoding, new DataFile.Visitor() {
            @Override
            public void header(Charset found, List<String> names) {
                charset = found;
                columns = names;
                Set<String> set = new LinkedHashSet<>(names);
                if (!names.isEmpty() && !set.contains(BroadcastPlanner.ADDRESS_COLUMN)) {
                    problems.add(1, name + " row 1: there is no '" + BroadcastPlanner.ADDRESS_COLUMN + "' column naming the recipients "
                        + "(columns: " + String.join(", ", names) + ")");
                    usable[0] = false;
                    return;
                }
                template.missingColumns(templateName, set, name).forEach(p -> problems.add(1, p));
                attachments[0] = set.contains(BroadcastPlanner.ATTACHMENT_COLUMN);
                if (attachments[0] && attachmentBase.isEmpty()) {
                    problems.add(1, name + ": per-row attachments are only accepted from the command line (files on the server's disk)");
                    attachments[0] = false;
                }
            }

            @Override
            public void row(DataFile.Row row) {
                if (!usable[0]) {
                    return;
                }
                slice.add(row);
                if (slice.size() == SLICE) {
                    checkSlice(slice, attachments[0], problems, check);
                    slice.clear();
                }
            }

            @Override
            public void problem(String problem) {
                Matcher m = ROW.matcher(problem);
                problems.add(m.find(name.length()) ? Integer.parseInt(m.group(1)) : 1, problem);
            }
        });
        if (usable[0]) {
            checkSlice(slice, attachments[0], problems, check);
        }
    }

    private void checkSlice(List<DataFile.Row> rows, boolean attachments, Problems problems, RowCheck check) {
        List<String> addresses = new ArrayList<>();
        List<String> idNumbers = new ArrayList<>();
        for (DataFile.Row row : rows) {
            String key = key(row.values().get(BroadcastPlanner.ADDRESS_COLUMN));
            if (key != null) {
                (key.indexOf('@') >= 0 ? addresses : idNumbers).add(key);
            }
        }
        Map<String, String> known = accounts.addressesOf(addresses, idNumbers);
        for (DataFile.Row row : rows) {
            String where = name + " row " + row.rowNumber() + ": ";
            int before = problems.total;
            String given = row.values().get(BroadcastPlanner.ADDRESS_COLUMN);
            String key = key(given);
            String address = key == null ? null : known.get(key);
            if (given.isEmpty()) {
                problems.add(row.rowNumber(), where + "the address is empty");
            } else if (address == null) {
                problems.add(row.rowNumber(), where + "no account '" + ResidentIdNumber.maskIfIdNumber(given) + "' (unknown recipient)");
            }
            for (String column : template.placeholders()) {
                String value = row.values().get(column);
                if (value != null && value.isEmpty()) {
                    problems.add(row.rowNumber(), where + "column '" + column + "' is empty, but the template uses {{" + column + "}}");
                }
            }
            Optional<Path> attachment = Optional.empty();
            if (attachments && !row.values().get(BroadcastPlanner.ATTACHMENT_COLUMN).isEmpty()) {
                Path file = attachmentBase.get().resolve(row.values().get(BroadcastPlanner.ATTACHMENT_COLUMN)).normalize();
                String problem = checkPdf(file);
                if (problem != null) {
                    problems.add(row.rowNumber(), where + "attachment " + file + " " + problem);
                } else {
                    attachment = Optional.of(file);
                }
            }
            if (problems.total == before) {
                check.check(row, address);
                problems.rowsOk++;
                if (problems.first == null || problems.each != null) {
                    Recipient r = new Recipient(address, row.rowNumber(), new TreeMap<>(row.values()), attachment);
                    if (problems.first == null) {
                        problems.first = r;
                    }
                    if (problems.each != null) {
                        problems.each.accept(r);
                    }
                }
            }
        }
    }

    /** The account key a cell gives: an address in lower case, or a resident ID number in upper case; null if neither. */
    private static String key(String given) {
        String value = given == null ? "" : given.trim();
        if (value.isEmpty()) {
            return null;
        }
        if (value.indexOf('@') >= 0) {
            return value.toLowerCase(Locale.ROOT);
        }
        String id = value.toUpperCase(Locale.ROOT);
        return id.matches("\\d{17}[\\dX]") ? id : null;
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

    private static String digest(String name, DataSource source) {
        MessageDigest digest = BroadcastPlanner.sha256Digest();
        byte[] block = new byte[65536];
        try (InputStream in = source.open()) {
            for (int n; (n = in.read(block)) >= 0; ) {
                digest.update(block, 0, n);
            }
        } catch (IOException e) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, name + " cannot be read: " + e.getMessage());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * 64-bit hashes of the addresses seen, open-addressed: about 16 bytes a row at most, where a set of the addresses
     * took ~100. {@link #add} is false when the hash was seen before: a duplicate, or (about once in 10^7 files of a
     * million rows) another address with the same hash, which the confirming pass tells apart.
     */
    static final class SeenAddresses {
        private long[] table = new long[1 << 10];
        private int size;

        boolean add(String address) {
            if (2 * (size + 1) > table.length) {
                long[] old = table;
                table = new long[old.length * 2];
                for (long h : old) {
                    if (h != 0) {
                        insert(table, h);
                    }
                }
            }
            boolean added = insert(table, hash(address));
            if (added) {
                size++;
            }
            return added;
        }

        private static boolean insert(long[] into, long h) {
            int mask = into.length - 1;
            for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (into[i] == 0) {
                    into[i] = h;
                    return true;
                }
                if (into[i] == h) {
                    return false;
                }
            }
        }

        /** FNV-1a over the UTF-16 code units, never 0 (0 marks a free slot). */
        static long hash(String s) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= h >>> 29;
            return h == 0 ? 1 : h;
        }
    }
}
