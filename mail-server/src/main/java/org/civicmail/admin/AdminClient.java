package org.civicmail.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.civicmail.cli.ExitCodes;
import org.civicmail.server.DataDirectory;

/** The CLI's side of the admin API: forwards one command line to the running server. */
public final class AdminClient {
    /** Environment variables a command may read from the caller's shell (passwords for files it writes). */
    static final java.util.Set<String> FORWARDED_ENV = java.util.Set.of("CIVICMAIL_P12_PASSWORD");

    private final int port;
    private final String token;

    private AdminClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** The running server of this data directory, if one answers on the port its run file names. */
    public static Optional<AdminClient> forRunningServer(DataDirectory data) {
        try {
            if (!Files.exists(data.runFile()) || !Files.exists(data.adminToken())) {
                return Optional.empty();
            }
            Optional<Integer> port = RunFile.read(data.runFile()).port("admin");
            if (port.isEmpty()) {
                return Optional.empty();
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port.get()), 1000);
            }
            return Optional.of(new AdminClient(port.get(), AdminToken.read(data.adminToken())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public int execute(String[] args, Path cwd, PrintWriter out, PrintWriter err) {
        byte[] stdin;
        try {
            stdin = Arrays.asList(args).contains("--password-stdin") ? System.in.readAllBytes() : new byte[0];
        } catch (IOException e) {
            err.println("error: cannot read standard input: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        return execute(args, stdin, cwd, out, err);
    }

    /** Runs {@code args} in the server with {@code stdin} as the command's standard input. */
    public int execute(String[] args, byte[] stdin, Path cwd, PrintWriter out, PrintWriter err) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/cli").openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Authorization", "Bearer " + token);
            c.setChunkedStreamingMode(0);
            try (DataOutputStream req = new DataOutputStream(c.getOutputStream())) {
                req.writeInt(args.length);
                for (String a : args) {
                    req.writeUTF(a);
                }
                req.writeUTF(cwd.toString());
                req.writeInt(stdin.length);
                req.write(stdin);
                java.util.Map<String, String> env = new java.util.TreeMap<>();
                FORWARDED_ENV.forEach(name -> {
                    if (System.getenv(name) != null) {
                        env.put(name, System.getenv(name));
                    }
                });
                req.writeInt(env.size());
                for (var e : env.entrySet()) {
                    req.writeUTF(e.getKey());
                    req.writeUTF(e.getValue());
                }
            }
            if (c.getResponseCode() != 200) {
                err.println("error: the running server refused the command (HTTP " + c.getResponseCode()
                    + "); check that DATA/admin.token belongs to this server");
                return ExitCodes.FAILURE;
            }
            try (DataInputStream in = new DataInputStream(c.getInputStream())) {
                while (true) {
                    byte type = in.readByte();
                    int length = in.readInt();
                    byte[] payload = in.readNBytes(length);
                    if (type == Frames.EXIT) {
                        return new DataInputStream(new java.io.ByteArrayInputStream(payload)).readInt();
                    }
                    PrintWriter target = type == Frames.ERR ? err : out;
                    target.print(new String(payload, StandardCharsets.UTF_8));
                    target.flush();
                }
            }
        } catch (EOFException e) {
            err.println("error: the server closed the connection before the command finished; see its log");
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            err.println("error: cannot reach the running server's admin API on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
            return ExitCodes.FAILURE;
        }
    }

}
