package org.civicmail.ca.store;

import java.util.List;

import org.civicmail.schema.DbObject;
import org.civicmail.schema.Migration;
import org.civicmail.schema.Schema;

/**
 * The CA's tables ({@code CA_}) as a versioned schema in the host's database. A change of layout is the next
 * {@code .migration(Migration.sql(2, "what", "ALTER ..."))}; never edit a migration that has shipped.
 */
final class CaTables {
    static final Schema SCHEMA = Schema.named("ca")
        .baseline("certificates, CRLs, audit head",
            List.of(DbObject.table("CA_CERTIFICATE"), DbObject.index("CA_CERTIFICATE_ACCOUNT"),
                DbObject.index("CA_CERTIFICATE_STATUS"), DbObject.table("CA_CRL"), DbObject.table("CA_AUDIT_HEAD")),
            "CREATE TABLE CA_CERTIFICATE (SERIAL VARCHAR(42) NOT NULL PRIMARY KEY, ISSUER VARCHAR(1024) NOT NULL,"
                + " SUBJECT VARCHAR(1024) NOT NULL, SAN VARCHAR(2048), PROFILE VARCHAR(32) NOT NULL, ACCOUNT VARCHAR(320),"
                + " NOT_BEFORE BIGINT NOT NULL, NOT_AFTER BIGINT NOT NULL, STATUS VARCHAR(8) NOT NULL, REVOKED_AT BIGINT,"
                + " REASON INT, CREATED BIGINT NOT NULL, DER VARCHAR(32000) FOR BIT DATA NOT NULL)",
            "CREATE INDEX CA_CERTIFICATE_ACCOUNT ON CA_CERTIFICATE (ACCOUNT)",
            "CREATE INDEX CA_CERTIFICATE_STATUS ON CA_CERTIFICATE (STATUS, ISSUER)",
            "CREATE TABLE CA_CRL (CRL_NUMBER BIGINT NOT NULL PRIMARY KEY, THIS_UPDATE BIGINT NOT NULL,"
                + " NEXT_UPDATE BIGINT NOT NULL, DER BLOB(256M) NOT NULL)",
            "CREATE TABLE CA_AUDIT_HEAD (ID INT NOT NULL PRIMARY KEY, SEQ BIGINT NOT NULL, HASH VARCHAR(64) NOT NULL)")
        // One CRL sequence per issuing CA (IssuerSlot#slug). Rows written before the purpose-bound CAs are the
        // first-generation CA's: the default says so. CRL numbers stay one global sequence, so each issuer's numbers
        // still only grow (RFC 5280 §5.2.3).
        .migration(Migration.sql(2, "CRL per issuing CA", "ALTER TABLE CA_CRL ADD COLUMN CRL_ISSUER VARCHAR(16) NOT NULL DEFAULT 'issuing'"));

    private CaTables() {
    }
}
