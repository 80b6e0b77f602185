package org.civicmail.ca.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.Subject;
import org.civicmail.ca.SubjectDirectory;

/**
 * The standalone CLI's account directory: a CSV file with the header
 * {@code address,profile,name,organization,credit_code} (profile CITIZEN, LEGAL_ENTITY or OFFICIAL).
 * The mail server uses its own account table instead. Read once; immutable.
 */
public final class CsvSubjectDirectory implements SubjectDirectory {
    private final Map<String, Subject> subjects = new HashMap<>();

    public CsvSubjectDirectory(Path file) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setCommentMarker('#')
                .setIgnoreEmptyLines(true).setTrim(true).build();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : format.parse(r)) {
                Subject s = parse(file, rec);
                subjects.put(s.emailAddress(), s);
            }
        } catch (IOException e) {
            throw new InvalidInputException("--directory " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); give a CSV file with the header address,profile,name,organization,credit_code");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidInputException("--directory " + file + " is not a CSV file with the header"
                    + " address,profile,name,organization,credit_code: " + e.getMessage());
        }
    }

    private static Subject parse(Path file, CSVRecord rec) {
        String where = file + " line " + (rec.getRecordNumber() + 1);
        String profile = get(rec, "profile").toUpperCase(Locale.ROOT);
        String address = get(rec, "address");
        switch (profile) {
            case "CITIZEN":
                return Subject.citizen(address, get(rec, "name"));
            case "LEGAL_ENTITY":
                return Subject.legalEntity(address, get(rec, "organization"), get(rec, "credit_code"));
            case "OFFICIAL":
                return Subject.official(address, get(rec, "name"), get(rec, "organization"), get(rec, "credit_code"));
            default:
                throw new InvalidInputException(where + ": profile '" + profile + "' must be CITIZEN, LEGAL_ENTITY or OFFICIAL");
        }
    }

    private static String get(CSVRecord rec, String column) {
        return rec.isMapped(column) && rec.isSet(column) ? rec.get(column) : "";
    }

    @Override
    public Optional<Subject> find(String emailAddress) {
        return Optional.ofNullable(subjects.get(emailAddress));
    }
}
