package org.civicmail.ca;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.ca.http.CaHttpServer;

/**
 * A CA on an in-memory Derby database, a temp directory and an in-memory account directory, with the
 * purpose-bound S/MIME and TLS issuing CAs constrained to {@link #MAIL_DOMAINS} and {@link #HOST_NAMES}.
 */
public final class TestCa implements AutoCloseable {
    public static final char[] PASSPHRASE = "test passphrase, not secret".toCharArray();
    public static final List<String> MAIL_DOMAINS = List.of("city.example", "gov.city.example", "acme.example");
    public static final List<String> HOST_NAMES = List.of("mail.city.example", "localhost", "127.0.0.1");

    public final Path home;
    public final DataSource dataSource;
    public final InMemoryDirectory directory = new InMemoryDirectory();
    public final CaHttpServer http;
    public final CertificateAuthority ca;

    public TestCa(Path dir) {
        this(dir, KeyAlgorithm.EC_P256);
    }

    public TestCa(Path dir, KeyAlgorithm algorithm) {
        this(dir, algorithm, memoryDataSource());
    }

    public TestCa(Path dir, KeyAlgorithm algorithm, DataSource dataSource) {
        this(dir, algorithm, dataSource, true);
    }

    /**
     * {@code bound} false: opened without names, as data directories of the first-generation layout were made
     * (one unconstrained issuing CA); reopening such a directory with names upgrades it.
     */
    public TestCa(Path dir, KeyAlgorithm algorithm, DataSource dataSource, boolean bound) {
        this.home = dir.resolve("ca");
        this.dataSource = dataSource;
        this.http = CaHttpServer.bind(new InetSocketAddress("127.0.0.1", 0));
        CaConfig config = config(http.baseUrl()).withKeyAlgorithm(algorithm);
        this.ca = CertificateAuthority.open(bound ? config : config.withNames(List.of(), List.of()), directory);
        http.serve(ca);
        directory.add(Subject.citizen("alice@city.example", null));
        directory.add(Subject.citizen("bob@city.example", "Bob Chen"));
        directory.add(Subject.legalEntity("contact@acme.example", "Acme Trading Co., Ltd.", "91350100M000100Y43"));
        directory.add(Subject.official("li.wei@gov.city.example", "Li Wei", "City Tax Bureau", null));
    }

    public CaConfig config(String baseUrl) {
        return new CaConfig(dataSource, home, new CaUrls(baseUrl), KeyAlgorithm.EC_P256, PassphraseSource.of(PASSPHRASE),
                null, null, null).withNames(MAIL_DOMAINS, HOST_NAMES);
    }

    public static DataSource memoryDataSource() {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName("memory:ca-" + UUID.randomUUID());
        ds.setCreateDatabase("create");
        return ds;
    }

    public Path write(String name, String content) throws IOException {
        Path p = home.getParent().resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Override
    public void close() {
        ca.close();
        http.close();
    }

    /** Thread-safe map-backed {@link SubjectDirectory}. */
    public static final class InMemoryDirectory implements SubjectDirectory {
        private final Map<String, Subject> subjects = new ConcurrentHashMap<>();

        public void add(Subject s) {
            subjects.put(s.emailAddress(), s);
        }

        @Override
        public Optional<Subject> find(String emailAddress) {
            return Optional.ofNullable(subjects.get(emailAddress));
        }
    }
}
