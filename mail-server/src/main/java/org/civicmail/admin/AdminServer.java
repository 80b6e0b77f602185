package org.civicmail.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The loopback admin API the CLI talks to while the server runs: {@code POST /cli} with the bearer token from
 * {@code DATA/admin.token} runs one CLI command inside the server and streams its output back.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final HttpServer http;

    /** Runs one command line; returns the exit code. */
    public interface CommandRunner {
        int run(String[] args, Path cwd, InputStream stdin, Map<String, String> env, OutputStream out, OutputStream err);
    }

    private AdminServer(HttpServer http) {
        this.http = http;
    }

    public static AdminServer start(int port, String token, CommandRunner runner) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "civicmail-admin");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/cli", exchange -> handle(exchange, token, runner));
        http.start();
        return new AdminServer(http);
    }

    private static void handle(HttpExchange exchange, String token, CommandRunner runner) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (auth == null || !auth.startsWith("Bearer ") || !AdminToken.matches(token, auth.substring(7))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            DataInputStream in = new DataInputStream(exchange.getRequestBody());
            int argc = in.readInt();
            if (argc < 0 || argc > 1000) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            String[] args = new String[argc];
            for (int i = 0; i < argc; i++) {
                args[i] = in.readUTF();
            }
            Path cwd = Path.of(in.readUTF());
            int stdinLength = in.readInt();
            if (stdinLength < 0 || stdinLength > MAX_REQUEST_BYTES) {
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            byte[] stdin = in.readNBytes(stdinLength);
            Map<String, String> env = new HashMap<>();
            int envCount = in.readInt();
            for (int i = 0; i < envCount && i < AdminClient.FORWARDED_ENV.size(); i++) {
                String name = in.readUTF();
                String value = in.readUTF();
                if (AdminClient.FORWARDED_ENV.contains(name)) {
                    env.put(name, value);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0);
            DataOutputStream out = new DataOutputStream(exchange.getResponseBody());
            int code;
            OutputStream stdout = framed(out, Frames.OUT);
            OutputStream stderr = framed(out, Frames.ERR);
            code = runner.run(args, cwd, new java.io.ByteArrayInputStream(stdin), env, stdout, stderr);
            synchronized (out) {
                out.writeByte(Frames.EXIT);
                out.writeInt(4);
                out.writeInt(code);
                out.flush();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // The client reports the broken stream; the cause belongs in the server's log.
            LOG.warn("Admin API request failed", e);
        }
    }

    private static OutputStream framed(DataOutputStream out, byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (out) {
                    out.writeByte(type);
                    out.writeInt(len);
                    out.write(b, off, len);
                    out.flush();
                }
            }
        };
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }

}
