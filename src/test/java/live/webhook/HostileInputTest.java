package live.webhook;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.RoutedFiles;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crafted requests, sent byte for byte over a socket. Whatever they carry, every one must be
 * answered within Tencent's 2 s, never with a 5xx, always with the service's JSON body and no
 * stack trace; only a valid webhook may reach the sink (here the file sink, so what was routed
 * is on disk); and the service must be healthy after each.
 */
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    static final String S = sample("set-metadata.json");
    static final String D = sample("del-metadata.json");
    static final String ENTRY2 = "{\"Key\": \"key2\", \"Value\": \"value2\"}";
    static final int MAX_BODY = 65536;

    @TempDir
    static Path out;
    static WebhookService service;

    @BeforeAll
    static void start() {
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** A crafted request and what must come of it: ErrorCode 0 is OK; routed is the number of messages. */
    record Hostile(String name, Request request, int errorCode, int routed, String key1Value) {
    }

    static Named<Hostile> fail(String name, Request request, int errorCode) {
        return Named.of(name, new Hostile(name, request, errorCode, 0, null));
    }

    static Named<Hostile> ok(String name, Request request, int routed) {
        return Named.of(name, new Hostile(name, request, 0, routed, null));
    }

    static Named<Hostile> okWithValue(String name, Request request, String key1Value) {
        return Named.of(name, new Hostile(name, request, 0, 2, key1Value));
    }

    static Request post(String body) {
        return Request.to("/callback" + query(SET)).json().body(body);
    }

    static Request post(byte[] body) {
        return Request.to("/callback" + query(SET)).json().body(body);
    }

    static Request del(String body) {
        return Request.to("/callback" + query(DEL)).json().body(body);
    }

    static Request at(String target) {
        return Request.to(target).json().body(S);
    }

    static Request method(String method) {
        return Request.to("/callback" + query(SET)).method(method).json().body(S);
    }

    static Request contentType(String type) {
        return Request.to("/callback" + query(SET)).header("Content-Type: " + type).body(S);
    }

    /** The sample with one more field first. */
    static String withField(String field) {
        return "{" + field + "," + S.substring(S.indexOf('{') + 1);
    }

    /** The sample's bytes with {@code value1} replaced by raw bytes. */
    static byte[] value1As(int... bytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int at = S.indexOf("value1");
        b.writeBytes(S.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int x : bytes) {
            b.write(x);
        }
        b.writeBytes(S.substring(at + "value1".length()).getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static String entry2(String replacement) {
        return S.replace(ENTRY2, replacement);
    }

    /** The sample, padded by an ignored field to exactly {@code totalBytes} bytes. */
    static String padded(int totalBytes) {
        String head = "{\"pad\": \"";
        String tail = "\"," + S.substring(S.indexOf('{') + 1);
        return head + "x".repeat(totalBytes - head.length() - tail.getBytes(StandardCharsets.UTF_8).length) + tail;
    }

    static Stream<Named<Hostile>> hostileRequests() {
        List<Named<Hostile>> cases = new ArrayList<>();

        // --- Truncated and invalid JSON -------------------------------------------------------
        cases.add(fail("truncated to one byte", post("{"), 4002));
        cases.add(fail("truncated in the middle", post(S.substring(0, S.length() / 2)), 4002));
        cases.add(fail("truncated before the last brace", post(S.substring(0, S.lastIndexOf('}'))), 4002));
        cases.add(fail("truncated inside a string", post(S.substring(0, S.indexOf("live-room") + 4)), 4002));
        cases.add(fail("single-quoted strings", post(S.replace('"', '\'')), 4002));
        cases.add(fail("unquoted field name", post(S.replace("\"RoomId\"", "RoomId")), 4002));
        cases.add(fail("trailing comma in the object", post(S.replace("1739965885831", "1739965885831,")), 4002));
        cases.add(fail("trailing comma in an array", post(S.replace("\"value2\"}", "\"value2\"},")), 4002));
        cases.add(fail("a comment", post("/* hi */" + S), 4002));
        cases.add(fail("NaN", post(S.replace("1739965885831", "NaN")), 4002));
        cases.add(fail("-Infinity", post(S.replace("1739965885831", "-Infinity")), 4002));
        cases.add(fail("leading zero", post(S.replace("1739965885831", "01739965885831")), 4002));
        cases.add(fail("hex number", post(S.replace("1739965885831", "0x1F")), 4002));
        cases.add(fail("unknown escape", post(S.replace("value1", "val\\x41")), 4002));
        cases.add(fail("short unicode escape", post(S.replace("value1", "\\u12")), 4002));
        cases.add(fail("unescaped quote", post(S.replace("value1", "val\"ue1")), 4002));
        cases.add(fail("two objects", post(S + S), 4002));
        cases.add(fail("garbage after the object", post(S + "x"), 4002));
        cases.add(fail("null", post("null"), 4002));
        cases.add(fail("true", post("true"), 4002));
        cases.add(fail("a string", post("\"" + SET + "\""), 4002));
        cases.add(fail("a number", post("42"), 4002));
        cases.add(fail("whitespace only", post(" \n\t "), 4002));
        cases.add(fail("an empty array", post("[]"), 4002));
        cases.add(fail("an array holding the webhook", post("[" + S + "]"), 4002));
        cases.add(fail("nested empty arrays", post("[[[]]]"), 4002));

        // --- Invalid UTF-8 ----------------------------------------------------------------------
        cases.add(fail("UTF-8: lone continuation byte", post(value1As(0x80)), 4002));
        cases.add(fail("UTF-8: two-byte start then ASCII", post(value1As(0xC3, 0x28)), 4002));
        cases.add(fail("UTF-8: byte FF", post(value1As('v', 0xFF)), 4002));
        cases.add(fail("UTF-8: overlong slash C0 AF", post(value1As(0xC0, 0xAF)), 4002));
        cases.add(fail("UTF-8: overlong three-byte slash", post(value1As(0xE0, 0x80, 0xAF)), 4002));
        cases.add(fail("UTF-8: encoded surrogate", post(value1As(0xED, 0xA0, 0x80)), 4002));
        cases.add(fail("UTF-8: above U+10FFFF", post(value1As(0xF4, 0x90, 0x80, 0x80)), 4002));
        cases.add(fail("UTF-8: sequence cut by the closing quote", post(value1As(0xE4, 0xB8)), 4002));
        cases.add(fail("UTF-8: overlong underscore in a field name", post(overlongInName()), 4002));

        // --- Deep nesting -------------------------------------------------------------------------
        cases.add(fail("20000 nested arrays in an extra field", post(withField("\"x\": " + "[".repeat(20000) + "]".repeat(20000))), 4002));
        cases.add(fail("5000 nested objects in an extra field", post(withField("\"x\": " + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000))), 4002));
        cases.add(fail("30000 unclosed arrays", post(withField("\"x\": " + "[".repeat(30000))), 4002));
        cases.add(fail("2000 nested arrays as a Value", post(S.replace("\"value1\"", "[".repeat(2000) + "]".repeat(2000))), 4002));
        cases.add(fail("50 nested arrays as a Value", post(S.replace("\"value1\"", "[".repeat(50) + "]".repeat(50))), 4005));
        cases.add(ok("200 nested arrays in an ignored field", post(withField("\"x\": " + "[".repeat(200) + "]".repeat(200))), 2));

        // --- Huge numbers -------------------------------------------------------------------------
        cases.add(ok("EventTime 1e999999", post(S.replace("1739965885831", "1e999999")), 2));
        cases.add(ok("EventTime -0.0e-999999", post(S.replace("1739965885831", "-0.0e-999999")), 2));
        cases.add(ok("EventTime of 900 digits", post(S.replace("1739965885831", "9".repeat(900))), 2));
        cases.add(fail("EventTime of 5000 digits", post(S.replace("1739965885831", "9".repeat(5000))), 4002));
        cases.add(fail("RoomId 1e999", post(S.replace("\"live-room1111\"", "1e999")), 4004));
        cases.add(fail("Value of 900 digits", post(S.replace("\"value1\"", "9".repeat(900))), 4005));
        cases.add(fail("Key 1e400", post(S.replace("\"key1\"", "1e400")), 4005));
        cases.add(fail("Keys entry 1e400", del(D.replace("\"key2\"", "1e400")), 4006));

        // --- Duplicate fields -------------------------------------------------------------------
        cases.add(fail("RoomId twice, same value", post(withField("\"RoomId\": \"live-room1111\"")), 4002));
        cases.add(fail("CallbackCommand twice", post(withField("\"CallbackCommand\": \"" + SET + "\"")), 4002));
        cases.add(fail("Metadata twice", post(withField("\"Metadata\": []")), 4002));
        cases.add(fail("Key twice in an entry", post(entry2("{\"Key\": \"key2\", \"Key\": \"key3\", \"Value\": \"value2\"}")), 4002));
        cases.add(fail("Value twice in an entry", post(entry2("{\"Key\": \"key2\", \"Value\": \"a\", \"Value\": \"value2\"}")), 4002));
        cases.add(fail("RoomId twice, once spelt with an escape", post(withField("\"Room\\u0049d\": \"other\"")), 4002));
        cases.add(fail("Keys twice", del("{\"Keys\": []," + D.substring(D.indexOf('{') + 1)), 4002));

        // --- Wrong types at every field ---------------------------------------------------------
        String command = "\"" + SET + "\"";
        for (String[] wrong : new String[][] {{"a number", "1"}, {"null", "null"}, {"true", "true"}, {"false", "false"}, {"an array", "[" + command + "]"}, {"an object", "{\"c\": " + command + "}"}}) {
            cases.add(fail("CallbackCommand " + wrong[0], post(S.replace(command, wrong[1])), 4003));
        }
        for (String[] wrong : new String[][] {{"a number", "1111"}, {"null", "null"}, {"false", "false"}, {"an array", "[\"live-room1111\"]"}, {"an object", "{\"id\": \"live-room1111\"}"}, {"empty", "\"\""}}) {
            cases.add(fail("RoomId " + wrong[0], post(S.replace("\"live-room1111\"", wrong[1])), 4004));
        }
        String metadata = S.substring(S.indexOf('[', S.indexOf("\"Metadata\"")), S.indexOf(']') + 1);
        for (String[] wrong : new String[][] {{"a string", "\"key1=value1\""}, {"a number", "2"}, {"null", "null"}, {"true", "true"}, {"an object", "{\"Key\": \"key1\", \"Value\": \"value1\"}"}}) {
            cases.add(fail("Metadata " + wrong[0], post(S.replace(metadata, wrong[1])), 4005));
        }
        for (String[] wrong : new String[][] {{"a number", "2"}, {"null", "null"}, {"a string", "\"key2\""}, {"an array", "[\"key2\", \"value2\"]"}, {"an array of entries", "[" + ENTRY2 + "]"}}) {
            cases.add(fail("Metadata entry " + wrong[0], post(entry2(wrong[1])), 4005));
        }
        for (String[] wrong : new String[][] {{"a number", "2"}, {"null", "null"}, {"true", "true"}, {"an array", "[\"key2\"]"}, {"an object", "{\"k\": \"key2\"}"}, {"empty", "\"\""}}) {
            cases.add(fail("Key " + wrong[0], post(entry2("{\"Key\": " + wrong[1] + ", \"Value\": \"value2\"}")), 4005));
        }
        for (String[] wrong : new String[][] {{"a number", "2"}, {"null", "null"}, {"false", "false"}, {"an array", "[\"value2\"]"}, {"an object", "{\"v\": \"value2\"}"}}) {
            cases.add(fail("Value " + wrong[0], post(entry2("{\"Key\": \"key2\", \"Value\": " + wrong[1] + "}")), 4005));
        }
        String keys = "[\"key1\", \"key2\"]";
        for (String[] wrong : new String[][] {{"a string", "\"key1\""}, {"a number", "1"}, {"null", "null"}, {"an object", "{\"0\": \"key1\"}"}}) {
            cases.add(fail("Keys " + wrong[0], del(D.replace(keys, wrong[1])), 4006));
        }
        for (String[] wrong : new String[][] {{"a number", "2"}, {"null", "null"}, {"true", "true"}, {"an array", "[\"key2\"]"}, {"an object", "{\"k\": \"key2\"}"}, {"empty", "\"\""}}) {
            cases.add(fail("Keys entry " + wrong[0], del(D.replace("\"key2\"", wrong[1])), 4006));
        }
        // Carried as sent (README, "The message"): not checked, so not refused.
        cases.add(ok("Operator_Account an object", post(S.replace("\"brennanli\"", "{\"a\": [1, 2]}")), 2));
        cases.add(ok("EventTime a string", post(S.replace("1739965885831", "\"soon\"")), 2));

        // --- Very long names and values -------------------------------------------------------
        cases.add(fail("a field name of 60000 characters", post(withField("\"" + "k".repeat(60000) + "\": 1")), 4002));
        cases.add(ok("a field name of 40000 characters", post(withField("\"" + "k".repeat(40000) + "\": 1")), 2));
        cases.add(ok("3000 extra fields", post(withField(String.join(",",
                IntStream.range(0, 3000).mapToObj(i -> "\"f" + i + "\": " + i).toList()))), 2));
        cases.add(ok("a Key of 30000 characters", post(S.replace("\"key1\"", "\"" + "k".repeat(30000) + "\"")), 2));
        cases.add(ok("a RoomId of 30000 characters", post(S.replace("\"live-room1111\"", "\"" + "r".repeat(30000) + "\"")), 2));

        // --- NUL and control characters ----------------------------------------------------------
        cases.add(fail("raw NUL inside a string", post(value1As('v', 0x00, '1')), 4002));
        cases.add(fail("raw NUL between tokens", post(S.replace("\"RoomId\":", "\"RoomId\":\u0000")), 4002));
        cases.add(fail("raw line feed inside a string", post(value1As('v', '\n', '1')), 4002));
        cases.add(fail("raw tab inside a string", post(value1As('v', '\t', '1')), 4002));
        cases.add(fail("a body of one NUL", post(new byte[] {0}), 4002));
        cases.add(okWithValue("escaped NUL in a Value", post(S.replace("value1", "val\\u0000ue")), "val\u0000ue"));
        cases.add(okWithValue("escaped CR LF in a Value", post(S.replace("value1", "a\\r\\nINFO forged line")), "a\r\nINFO forged line"));
        cases.add(okWithValue("raw DEL in a Value", post(value1As('v', 0x7F, '1')), "v\u007F1"));
        cases.add(ok("RoomId one escaped NUL", post(S.replace("\"live-room1111\"", "\"\\u0000\"")), 2));

        // --- Query string and header abuse -------------------------------------------------------
        String sdk = "SdkAppid=" + WebhookService.SDKAPPID;
        String cmd = "CallbackCommand=" + SET;
        cases.add(fail("SdkAppid ours, then another", at("/callback?" + sdk + "&SdkAppid=1400000009&" + cmd), 4030));
        cases.add(fail("SdkAppid and CallbackCommand empty", at("/callback?SdkAppid=&CallbackCommand="), 4030));
        cases.add(fail("no query string", at("/callback"), 4030));
        cases.add(fail("a bare question mark", at("/callback?"), 4030));
        cases.add(fail("SdkAppid without a value", at("/callback?SdkAppid&" + cmd), 4030));
        cases.add(fail("SdkAppid with a trailing space", at("/callback?" + sdk + "%20&" + cmd), 4030));
        cases.add(fail("SdkAppid with a NUL", at("/callback?" + sdk + "%00&" + cmd), 4030));
        cases.add(fail("SdkAppid as a list", at("/callback?" + sdk + ",1400000009&" + cmd), 4030));
        cases.add(fail("SdkAppid with CR LF and a header", at("/callback?" + sdk + "%0d%0aX-Injected:%201&" + cmd), 4030));
        cases.add(fail("SdkAppid as an expression", at("/callback?SdkAppid=%24%7Bproperties%3Atencent.sdkappid%7D&" + cmd), 4030));
        cases.add(fail("CallbackCommand empty", at("/callback?" + sdk + "&CallbackCommand="), 4001));
        cases.add(fail("CallbackCommand without a value", at("/callback?" + sdk + "&CallbackCommand"), 4001));
        cases.add(ok("CallbackCommand twice (not a command we route)", at("/callback?" + sdk + "&" + cmd + "&" + cmd), 0));
        cases.add(ok("CallbackCommand with CR LF", at("/callback?" + sdk + "&" + cmd + "%0d%0aX"), 0));
        cases.add(ok("CallbackCommand with a comma", at("/callback?" + sdk + "&CallbackCommand=a,b)"), 0));
        cases.add(ok("CallbackCommand as an expression", at("/callback?" + sdk + "&CallbackCommand=%24%7Bproperties%3Atencent.callback.token%7D"), 0));
        cases.add(ok("empty parameters around the real ones", at("/callback?=&&" + sdk + "&=x&&" + cmd + "&&"), 2));
        cases.add(ok("parameter names in lower case", at("/callback?sdkappid=" + WebhookService.SDKAPPID + "&callbackcommand=" + SET), 2));
        cases.add(ok("SdkAppid percent-encoded", at("/callback?SdkAppid=14000%30%30001&" + cmd), 2));
        cases.add(ok("ClientIP with CR LF and a forged log line", at("/callback" + query(SET).replace("ClientIP=127.0.0.1", "ClientIP=1%0d%0aERROR%20forged")), 2));
        cases.add(ok("300 extra parameters", at("/callback" + query(SET) + String.join("", IntStream.range(0, 300).mapToObj(i -> "&p" + i + "=" + i).toList())), 2));
        cases.add(fail("GET claiming CamelHttpMethod POST in a header", method("GET").header("CamelHttpMethod: POST"), 4050));
        cases.add(fail("GET claiming CamelHttpMethod POST in the query",
                Request.to("/callback" + query(SET) + "&CamelHttpMethod=POST").method("GET").json().body(S), 4050));
        cases.add(fail("GET with X-HTTP-Method-Override: POST", method("GET").header("X-HTTP-Method-Override: POST"), 4050));
        cases.add(fail("another app asking for CamelHttpResponseCode 200 in a header",
                at("/callback?SdkAppid=1&" + cmd).header("CamelHttpResponseCode: 200"), 4030));
        cases.add(fail("another app asking for CamelHttpResponseCode 200 in the query",
                at("/callback?SdkAppid=1&" + cmd + "&CamelHttpResponseCode=200"), 4030));
        Request dupHeaders = at("/callback" + query(SET));
        IntStream.range(0, 100).forEach(i -> dupHeaders.header("X-Dup: " + i));
        cases.add(ok("100 repeated headers", dupHeaders, 2));
        cases.add(ok("a 7 KB cookie", at("/callback" + query(SET)).header("Cookie: c=" + "x".repeat(7000)), 2));
        cases.add(ok("Expect: 100-continue", at("/callback" + query(SET)).header("Expect: 100-continue"), 2));
        cases.add(ok("chunked body", Request.to("/callback" + query(SET)).json().header("Transfer-Encoding: chunked")
                .withoutContentLength().body(Integer.toHexString(S.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + S + "\r\n0\r\n\r\n"), 2));

        // --- Wrong methods ----------------------------------------------------------------------
        for (String m : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "post", "FOO")) {
            cases.add(fail("method " + m, method(m), 4050));
        }

        // --- Wrong content types ------------------------------------------------------------------
        cases.add(ok("text/plain", contentType("text/plain"), 2));
        cases.add(ok("no Content-Type", Request.to("/callback" + query(SET)).body(S), 2));
        cases.add(ok("a 4000-character Content-Type", contentType("application/json; x=" + "a".repeat(4000)), 2));
        cases.add(fail("XML", Request.to("/callback" + query(SET)).header("Content-Type: application/xml").body("<RoomId>r</RoomId>"), 4002));
        cases.add(fail("a form", contentType("application/x-www-form-urlencoded"), 4150));
        cases.add(fail("multipart", contentType("multipart/form-data; boundary=x"), 4150));
        // A part header without a colon makes Vert.x's form decoder fail; left to Vert.x it answers
        // a plain-text 400 (camel-main/startup.camel.yaml keeps the body whole for the route).
        cases.add(fail("malformed multipart", Request.to("/callback" + query(SET)).header("Content-Type: multipart/form-data; boundary=XYZ")
                .body("--XYZ\r\nContent-Disposition form-data no-colon\r\n\r\nv\r\n--XYZ--\r\n"), 4150));
        cases.add(fail("well-formed multipart", Request.to("/callback" + query(SET)).header("Content-Type: multipart/form-data; boundary=XYZ")
                .body("--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XYZ--\r\n"), 4150));
        // Media types are case-insensitive (RFC 9110 8.3.1), and Vert.x takes such a body apart as a form.
        cases.add(fail("a form in upper case", contentType("APPLICATION/X-WWW-FORM-URLENCODED"), 4150));
        cases.add(fail("multipart in mixed case", contentType("Multipart/Form-Data; boundary=x"), 4150));
        // JSON is UTF-8 (RFC 8259 8.1): a charset parameter must not change what is routed.
        cases.add(okWithValue("charset=ISO-8859-1 on a UTF-8 body",
                Request.to("/callback" + query(SET)).header("Content-Type: application/json; charset=ISO-8859-1")
                        .body(S.replace("value1", "v\u00e9\u5024")), "v\u00e9\u5024"));
        cases.add(okWithValue("charset=UTF-16 on a UTF-8 body", contentType("application/json; charset=UTF-16"), "value1"));
        cases.add(okWithValue("an unknown charset", contentType("application/json; charset=x-no-such-charset"), "value1"));

        // --- Oversized bodies (up to the 1 MiB transport cap; beyond it see transportCap) -------
        cases.add(ok("a body of exactly max.body.bytes", post(padded(MAX_BODY)), 2));
        cases.add(fail("one byte over max.body.bytes", post(padded(MAX_BODY + 1)), 4130));
        cases.add(fail("100 KiB", post(padded(100 * 1024)), 4130));
        cases.add(fail("just under 1 MiB", post(padded(1024 * 1024 - 1024)), 4130));
        return cases.stream();
    }

    static byte[] overlongInName() {
        // "Operator_Account" with its underscore sent as the overlong C1 9F.
        String before = S.substring(0, S.indexOf("Operator_Account") + "Operator".length());
        String after = S.substring(S.indexOf("Operator_Account") + "Operator_".length());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        b.write(0xC1);
        b.write(0x9F);
        b.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    @Test
    void theSuiteIsLargeEnough() {
        assertThat(hostileRequests().count()).isGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void answeredQuicklyAsJsonNever5xxRoutedOnlyIfValidAndHealthyAfter(Hostile c) throws Exception {
        try {
            check(c);
        } catch (AssertionError | Exception e) {
            // Build reports name parameterized cases by number only.
            throw new AssertionError(c.name() + ": " + e.getMessage(), e);
        }
    }

    void check(Hostile c) throws Exception {
        List<String> linesBefore = RoutedFiles.lines(out);
        int filesBefore = RoutedFiles.files(out).size();

        RawHttp.Exchange exchange = RawHttp.send(service.port(), c.request(), TWO_SECONDS);

        assertWebhookAnswer(exchange, c.request().method().equals("HEAD"), c.errorCode());
        List<String> lines = RoutedFiles.lines(out);
        List<String> routed = lines.subList(linesBefore.size(), lines.size());
        assertThat(routed).as("messages routed").hasSize(c.routed());
        assertThat(RoutedFiles.files(out)).as("files, complete or not").hasSize(filesBefore + (c.routed() > 0 ? 1 : 0));
        if (c.key1Value() != null) {
            assertThat(live.webhook.support.Events.data(routed.get(0))).containsEntry("Key", "key1").containsEntry("Value", c.key1Value());
        }
        assertHealthy(service);
    }

    /**
     * The invariants of every answer to a request that reaches the routes: complete within 2 s of
     * the last byte sent, not 5xx, JSON with the documented fields, no trace of an exception.
     */
    static void assertWebhookAnswer(RawHttp.Exchange exchange, boolean head, int errorCode) throws Exception {
        assertThat(exchange.answered()).as("answered (timed out: %s, got: %s)", exchange.timedOut(),
                new String(exchange.received(), StandardCharsets.ISO_8859_1)).isTrue();
        assertThat(exchange.afterLastByte()).isLessThanOrEqualTo(TWO_SECONDS);
        RawHttp.Response response = exchange.response();
        String text = response.text();
        assertThat(response.status()).as(text).isLessThan(500).isEqualTo(errorCode == 0 ? 200 : errorCode / 10);
        assertThat(response.header("Content-Type")).as("Content-Type").startsWith("application/json");
        if (head) {
            assertThat(response.body()).as("HEAD answer has no body").isEmpty();
            assertThat(response.header("Allow")).isEqualTo("POST");
            return;
        }
        JsonNode body = JSON.readTree(text);
        assertThat(body.isObject()).as(text).isTrue();
        assertThat(body.path("ErrorCode").isInt()).as(text).isTrue();
        assertThat(body.path("ErrorCode").asInt()).as(text).isEqualTo(errorCode);
        assertThat(body.path("ActionStatus").asText()).isEqualTo(errorCode == 0 ? "OK" : "FAIL");
        assertThat(body.path("ErrorInfo").isTextual()).isTrue();
        assertThat(text).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.apache").doesNotContain("java.");
        if (errorCode == 4050) {
            assertThat(response.header("Allow")).isEqualTo("POST");
        }
    }

    static void assertHealthy(WebhookService service) throws Exception {
        var health = service.management("/observe/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
    }
}
