package live.webhook.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: any method, any bytes in
 * the request line and headers, a body sent in parts with pauses, a body that never ends. Every
 * read is bounded by a deadline, so a server that does not answer fails the test instead of
 * hanging it.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A request, written byte for byte as built. Host and Connection: close are added unless replaced. */
    public static final class Request {
        private String method = "POST";
        private final String target;
        private final List<String> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private boolean contentLength = true;
        private boolean host = true;

        private Request(String target) {
            this.target = target;
        }

        public static Request to(String target) {
            return new Request(target);
        }

        public Request method(String method) {
            this.method = method;
            return this;
        }

        /** A raw header line, "Name: value", written as given. */
        public Request header(String line) {
            headers.add(line);
            return this;
        }

        public Request json() {
            return header("Content-Type: application/json");
        }

        public Request body(byte[] body) {
            this.body = body;
            return this;
        }

        public Request body(String body) {
            return body(body.getBytes(StandardCharsets.UTF_8));
        }

        /** Leave out the Content-Length header this class would add. */
        public Request withoutContentLength() {
            this.contentLength = false;
            return this;
        }

        public Request withoutHost() {
            this.host = false;
            return this;
        }

        public String method() {
            return method;
        }

        public byte[] bytes() {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            if (host) {
                head.append("Host: 127.0.0.1\r\n");
            }
            head.append("Connection: close\r\n");
            for (String line : headers) {
                head.append(line).append("\r\n");
            }
            if (contentLength) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            return all;
        }

        @Override
        public String toString() {
            return method + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target)
                    + " (" + body.length + " body bytes)";
        }
    }

    /**
     * What came back. {@code response} is null when the server closed or timed out without a
     * complete HTTP answer; {@code received} is every byte read either way.
     */
    public record Exchange(Response response, byte[] received, boolean timedOut, Duration afterLastByte) {

        public boolean answered() {
            return response != null;
        }
    }

    /** A complete HTTP response; interim 1xx responses are skipped. Header names are lower case. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public static Exchange send(int port, Request request, Duration timeout) {
        return send(port, request.bytes(), request.method().equals("HEAD"), 0, Duration.ZERO, timeout);
    }

    /**
     * Sends the first {@code splitAt} bytes, pauses, then the rest; the timeout counts from the last
     * byte written. A pause is the client's behaviour under test here, not a wait for the server.
     */
    public static Exchange sendSlowly(int port, Request request, int splitAt, Duration pause, Duration timeout) {
        return send(port, request.bytes(), false, splitAt, pause, timeout);
    }

    private static Exchange send(int port, byte[] bytes, boolean head, int splitAt, Duration pause, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            OutputStream out = socket.getOutputStream();
            try {
                if (splitAt > 0) {
                    out.write(bytes, 0, splitAt);
                    out.flush();
                    pause(pause);
                    out.write(bytes, splitAt, bytes.length - splitAt);
                } else {
                    out.write(bytes);
                }
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it read everything (a body over its
                // limit); what it answered is still there to read.
            }
            long lastByte = System.nanoTime();
            return read(socket, head, lastByte, lastByte + timeout.toNanos());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A connection that has sent {@code bytes} and then stays silent until closed. */
    public static Socket openAndStall(int port, byte[] bytes) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Exchange read(Socket socket, boolean head, long lastByte, long deadline) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[16384];
        boolean timedOut = false;
        Response response = null;
        while (response == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut = true;
                break;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                timedOut = true;
                break;
            } catch (IOException e) {
                break; // reset by the server
            }
            if (n < 0) {
                response = parse(received.toByteArray(), head, true);
                break;
            }
            received.write(buffer, 0, n);
            response = parse(received.toByteArray(), head, false);
        }
        return new Exchange(response, received.toByteArray(), timedOut, Duration.ofNanos(System.nanoTime() - lastByte));
    }

    /** The first complete non-interim response in {@code data}, or null if there is none yet. */
    static Response parse(byte[] data, boolean head, boolean eof) {
        int start = 0;
        while (true) {
            int end = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (end < 0) {
                return null;
            }
            String[] lines = new String(data, start, end - start, StandardCharsets.ISO_8859_1).split("\r\n");
            if (!lines[0].startsWith("HTTP/1.")) {
                return null;
            }
            String[] statusLine = lines[0].split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException e) {
                return null;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            int bodyStart = end + 4;
            if (status >= 100 && status < 200) {
                start = bodyStart;
                continue;
            }
            if (head || status == 204 || status == 304) {
                return new Response(status, headers, new byte[0]);
            }
            String length = headers.containsKey("content-length") ? headers.get("content-length").get(0) : null;
            String encoding = headers.containsKey("transfer-encoding") ? headers.get("transfer-encoding").get(0) : "";
            if (encoding.equalsIgnoreCase("chunked")) {
                byte[] body = dechunk(data, bodyStart);
                return body == null ? null : new Response(status, headers, body);
            }
            if (length != null) {
                int n = Integer.parseInt(length);
                return data.length - bodyStart < n ? null
                        : new Response(status, headers, Arrays.copyOfRange(data, bodyStart, bodyStart + n));
            }
            return eof ? new Response(status, headers, Arrays.copyOfRange(data, bodyStart, data.length)) : null;
        }
    }

    private static byte[] dechunk(byte[] data, int from) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(data, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                return null;
            }
            String sizeText = new String(data, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            int chunkStart = lineEnd + 2;
            if (size == 0) {
                return indexOf(data, new byte[] {'\r', '\n'}, chunkStart) < 0 ? null : body.toByteArray();
            }
            if (data.length < chunkStart + size + 2) {
                return null;
            }
            body.write(data, chunkStart, size);
            at = chunkStart + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
