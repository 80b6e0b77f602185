package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Store;

import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.Openssl;
import org.civicmail.testkit.RunningServer;
import org.civicmail.testkit.TestIds;

/** Accounts, mailbox reading and openssl checks shared by the broadcast ITs. */
final class BroadcastFixture {
    static final String PASSWORD = "broadcast-pw-1";
    /** IMAP clients reading folders at the same time in {@link #folders}. */
    private static final int CONCURRENT_READERS = 4;
    static final String CITIZENS = "citizen.hangzhou.example";
    static final String OFFICIALS = "gov.hangzhou.example";

    final RunningServer server;
    final MailClient client;
    final Path tmp;

    BroadcastFixture(RunningServer server, Path tmp) throws Exception {
        this.server = server;
        this.client = new MailClient(server);
        this.tmp = tmp;
    }

    void official(String address, String name, boolean mayBroadcast) throws Exception {
        official(address, name, mayBroadcast, null);
    }

    /** {@code signingKey}: the algorithm of the signing key the server keeps for it (null: the CA's default). */
    void official(String address, String name, boolean mayBroadcast, String signingKey) throws Exception {
        List<String> args = new ArrayList<>(List.of("account", "add", "--class", "official", "--address", address, "--name", name,
            "--agency", name, "--employee-no", "E-" + address.length(), "--password-stdin"));
        if (mayBroadcast) {
            args.add("--may-broadcast");
        }
        if (signingKey != null) {
            args.addAll(List.of("--signing-key", signingKey));
        }
        CliResult r = server.cli(PASSWORD, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** Citizens local-part i with tag; ID numbers derived from {@code idBase} (15 digits) + two digits. */
    void citizens(String file, List<String[]> localPartAndTag, String idBase) throws Exception {
        StringBuilder csv = new StringBuilder("class,address,name,id-number,tags,password\n");
        int i = 10;
        for (String[] c : localPartAndTag) {
            csv.append("citizen,").append(c[0]).append('@').append(CITIZENS).append(",市民").append(c[0]).append(',')
                .append(TestIds.residentId(idBase + (i++))).append(',').append(c[1]).append(',').append(PASSWORD).append('\n');
        }
        Path path = Files.writeString(tmp.resolve(file), csv.toString(), StandardCharsets.UTF_8);
        CliResult r = server.cli(null, "account", "import", path.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** Raw messages of a folder, as an IMAP client downloads them (empty when the folder does not exist). */
    List<byte[]> folder(String user, String folder) throws Exception {
        List<byte[]> result = new ArrayList<>();
        try (Store store = client.imap(user, PASSWORD)) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return result;
            }
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.writeTo(out);
                result.add(out.toByteArray());
            }
            f.close(false);
        }
        return result;
    }

    /**
     * {@link #folder} of each user, in the order given: every user is still its own IMAP login and download, only a few
     * run at a time. One after another, the hundreds of logins of a broadcast test spent most of their time waiting
     * for the round trips (TLS, LOGIN, SELECT, FETCH) of the one connection in flight.
     */
    Map<String, List<byte[]>> folders(List<String> users, String folder) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(CONCURRENT_READERS);
        try {
            Map<String, Future<List<byte[]>>> reading = new LinkedHashMap<>();
            for (String user : users) {
                reading.put(user, readers.submit(() -> folder(user, folder)));
            }
            Map<String, List<byte[]>> read = new LinkedHashMap<>();
            for (Map.Entry<String, Future<List<byte[]>>> e : reading.entrySet()) {
                read.put(e.getKey(), e.getValue().get(2, TimeUnit.MINUTES));
            }
            return read;
        } finally {
            readers.shutdownNow();
        }
    }

    Path rootPem() throws Exception {
        Path root = tmp.resolve("root.pem");
        if (!Files.exists(root)) {
            String pem = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("ca-http")
                + "/ca/root.pem")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Files.writeString(root, pem);
        }
        return root;
    }

    /** openssl smime -verify against our root; returns the verified content. */
    String opensslVerify(byte[] raw, String name) throws Exception {
        Path in = Files.write(tmp.resolve(name + ".eml"), raw);
        Path out = tmp.resolve(name + ".out");
        Openssl.Result r = Openssl.run("smime", "-verify", "-CAfile", rootPem().toString(), "-in", in.toString(), "-out", out.toString());
        assertThat(r.exitCode()).as("openssl smime -verify of " + name + ": " + r.output()).isZero();
        assertThat(r.output()).contains("Verification successful");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** The signer's certificate as {@code openssl x509 -text} prints it (after openssl smime -verify accepted it). */
    String opensslSigner(byte[] raw, String name) throws Exception {
        Path in = Files.write(tmp.resolve(name + "-signed.eml"), raw);
        Path signer = tmp.resolve(name + "-signer.pem");
        Openssl.Result r = Openssl.run("smime", "-verify", "-CAfile", rootPem().toString(), "-in", in.toString(), "-signer",
            signer.toString(), "-out", tmp.resolve(name + "-signed.out").toString());
        assertThat(r.exitCode()).as("openssl smime -verify of " + name + ": " + r.output()).isZero();
        return Openssl.run("x509", "-noout", "-text", "-in", signer.toString()).output();
    }

    static String header(byte[] raw, String name) throws Exception {
        javax.mail.internet.MimeMessage m = new javax.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        String[] v = m.getHeader(name);
        return v == null ? null : v[0];
    }

    /** The decoded text of a signed message's text/plain part. */
    static String text(byte[] raw) throws Exception {
        javax.mail.internet.MimeMessage m = new javax.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(raw));
        return textOf(m);
    }

    private static String textOf(javax.mail.Part p) throws Exception {
        if (p.isMimeType("text/plain")) {
            return (String) p.getContent();
        }
        if (p.isMimeType("multipart/*")) {
            javax.mail.Multipart mp = (javax.mail.Multipart) p.getContent();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                s.append(textOf(mp.getBodyPart(i)));
            }
            return s.toString();
        }
        return "";
    }

    static String broadcastId(CliResult r) {
        var m = java.util.regex.Pattern.compile("broadcast (\\d{8}-[0-9a-f]{8})").matcher(r.out());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return m.group(1);
    }
}
