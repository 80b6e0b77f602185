package org.civicmail.account;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and validates an account registry CSV as a whole before anything is created. Rows are numbered as a
 * spreadsheet shows them (the header is row 1). Columns: {@code class,address,name,id-number,tags,credit-code,
 * agency,employee-no,may-broadcast,password}, optionally {@code surname,given-name} (a person's name as the
 * certificate carries it); {@code class} may come from the command line instead.
 */
public final class AccountCsv {
    public static final Set<String> COLUMNS = Set.of("class", "address", "name", "id-number", "tags", "credit-code",
        "agency", "employee-no", "may-broadcast", "password", "surname", "given-name");

    /** One valid row, ready to create. */
    public record Row(int rowNumber, Account account, AccountRequest request, char[] password) {
    }

    /** The outcome of validation: rows to create, rows already present (same identity), and errors. */
    public record Validation(List<Row> toCreate, int alreadyPresent, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private AccountCsv() {
    }

    public static Validation validate(InputStream input, Charset charset, Optional<String> defaultClass,
                                      MailDomains domains, AccountStore store) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int present = 0;
        Map<String, Integer> seenAddress = new HashMap<>();
        Map<String, Integer> seenIdentity = new HashMap<>();
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build().parse(new StringReader(SpreadsheetText.decode(input.readAllBytes(), charset)))) {
            List<String> header = parser.getHeaderNames().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            Set<String> unknown = new LinkedHashSet<>(header);
            unknown.removeAll(COLUMNS);
            if (!unknown.isEmpty()) {
                errors.add("row 1: unknown column(s) " + unknown + "; allowed: " + COLUMNS.stream().sorted().toList());
                return new Validation(List.of(), 0, errors);
            }
            for (String needed : List.of("address", "name", "password")) {
                if (!header.contains(needed)) {
                    errors.add("row 1: column '" + needed + "' is missing");
                }
            }
            if (!header.contains("class") && defaultClass.isEmpty()) {
                errors.add("row 1: column 'class' is missing; add it or pass --class");
            }
            if (!errors.isEmpty()) {
                return new Validation(List.of(), 0, errors);
            }
            for (CSVRecord record : parser) {
                int row = (int) record.getRecordNumber() + 1;
                try {
                    Map<String, String> values = new HashMap<>();
                    record.toMap().forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
                    if (!record.isConsistent()) {
                        throw new InvalidAccountException("row", "has " + record.size() + " fields, the header has " + header.size());
                    }
                    AccountRequest request = new AccountRequest();
                    String cls = values.get("class");
                    request.accountClass = cls == null || cls.isBlank() ? defaultClass.orElse(null) : cls;
                    request.address = values.get("address");
                    request.name = values.get("name");
                    request.idNumber = values.get("id-number");
                    request.tags = values.get("tags");
                    request.creditCode = values.get("credit-code");
                    request.agency = values.get("agency");
                    request.employeeNo = values.get("employee-no");
                    request.mayBroadcast = parseBoolean(values.get("may-broadcast"));
                    request.surname = values.get("surname");
                    request.givenName = values.get("given-name");
                    Account account = request.validate(domains);
                    char[] password = Optional.ofNullable(values.get("password")).orElse("").toCharArray();
                    AccountService.checkPassword(password);
                    Integer earlier = seenAddress.putIfAbsent(account.address(), row);
                    if (earlier != null) {
                        throw new InvalidAccountException("address", account.address() + " is also in row " + earlier);
                    }
                    for (String key : identityKeys(account)) {
                        Integer other = seenIdentity.putIfAbsent(key, row);
                        if (other != null) {
                            throw new InvalidAccountException(key.substring(0, key.indexOf('=')), "same value as row " + other);
                        }
                    }
                    Optional<Account> existing = store.find(account.address());
                    if (existing.isPresent()) {
                        if (existing.get().sameIdentityAs(account)) {
                            present++;
                            continue;
                        }
                        throw new InvalidAccountException("address", account.address() + " already exists with other identity data");
                    }
                    conflict(account, store);
                    rows.add(new Row(row, account, request, password));
                } catch (InvalidAccountException e) {
                    errors.add("row " + row + ": " + e.getMessage());
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            errors.add("the file is not valid CSV: " + e.getMessage());
        }
        return new Validation(rows, present, errors);
    }

    private static void conflict(Account account, AccountStore store) {
        account.idNumber().flatMap(id -> store.findByIdNumber(id.value())).ifPresent(other -> {
            throw new InvalidAccountException("id-number", "already belongs to account " + other.address());
        });
        account.creditCode().flatMap(code -> store.findByCreditCode(code.value())).ifPresent(other -> {
            throw new InvalidAccountException("credit-code", "already belongs to account " + other.address());
        });
    }

    private static List<String> identityKeys(Account a) {
        List<String> keys = new ArrayList<>();
        a.idNumber().ifPresent(id -> keys.add("id-number=" + id.value()));
        a.creditCode().ifPresent(c -> keys.add("credit-code=" + c.value()));
        return keys;
    }

    private static boolean parseBoolean(String raw) {
        if (raw == null || raw.isBlank()) {
            return false;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "y", "是" -> true;
            case "false", "no", "0", "n", "否" -> false;
            default -> throw new InvalidAccountException("may-broadcast", "'" + raw + "' is not yes/no (true/false, 1/0)");
        };
    }
}
