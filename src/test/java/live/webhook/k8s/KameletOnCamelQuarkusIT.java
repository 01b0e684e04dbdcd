package live.webhook.k8s;

import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.OK;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.TOKEN;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.fail;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.message;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.padded;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.post;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.signed;
import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.RoutedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Kamelet on Camel Quarkus, in the Integration Camel K makes of
 * k8s/kamelets/pipe-to-kafka/pipe.yaml (its source properties, from the Secret through its environment
 * trait), the catalog's Kafka sink Kamelet replaced by a file: endpoint that keeps each event.
 */
class KameletOnCamelQuarkusIT {

    @TempDir
    static Path pod;
    @TempDir
    static Path events;
    static CamelKPod pipe;

    @BeforeAll
    static void start() throws Exception {
        pipe = CamelKPod.of(CamelKPod.pipeIntegration(CamelKPod.pipeSink(events)), CamelQuarkusBuild.pipe(), pod)
                .secret(Manifests.NAME, Map.of("TENCENT_SDKAPPID", SDKAPPID, "TENCENT_CALLBACK_TOKEN", TOKEN))
                .kamelet(CamelKPod.kameletResource())
                // No health trait on the Pipe: ready once its route answers on the webhook path.
                .readyWhenWebhookPort("/callback", 405)
                .start("quarkus-pipe");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipe != null) {
            pipe.close();
        }
    }

    @Test
    void theSampleWebhooksBecomeTwoEventsEachExactlyTheServicesMessages() throws Exception {
        HttpResponse<String> set = post(pipe, signed(SET), sample("set-metadata.json"));
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).isEqualTo(OK);
        HttpResponse<String> del = post(pipe, signed(DEL), sample("del-metadata.json"));
        assertThat(del.statusCode()).isEqualTo(200);
        assertThat(del.body()).isEqualTo(OK);

        // One file per event, named by its headers CallbackCommand, RoomId and MetadataKey, holding its body.
        Path setRoom = events.resolve(SET).resolve("live-room1111");
        Path delRoom = events.resolve(DEL).resolve("live-room1111");
        assertThat(RoutedFiles.files(events)).containsExactlyInAnyOrder(setRoom.resolve("key1.json"),
                setRoom.resolve("key2.json"), delRoom.resolve("key1.json"), delRoom.resolve("key2.json"));
        assertThat(Files.readString(setRoom.resolve("key1.json"), StandardCharsets.UTF_8)).isEqualTo(message(SET, "key1", "value1"));
        assertThat(Files.readString(setRoom.resolve("key2.json"), StandardCharsets.UTF_8)).isEqualTo(message(SET, "key2", "value2"));
        assertThat(Files.readString(delRoom.resolve("key1.json"), StandardCharsets.UTF_8)).isEqualTo(message(DEL, "key1", null));
        assertThat(Files.readString(delRoom.resolve("key2.json"), StandardCharsets.UTF_8)).isEqualTo(message(DEL, "key2", null));
    }

    @Test
    void refusedWebhooksEmitNothing() throws Exception {
        int before = RoutedFiles.files(events).size();

        HttpResponse<String> otherApp = post(pipe, "?SdkAppid=1400000002&CallbackCommand=" + SET, sample("set-metadata.json"));
        assertThat(otherApp.statusCode()).isEqualTo(403);
        assertThat(otherApp.body()).isEqualTo(fail(4030, "SdkAppid is not accepted"));
        HttpResponse<String> unsigned = post(pipe, query(SET), sample("set-metadata.json"));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).isEqualTo(fail(4011, "Sign and RequestTime are required"));
        // QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE of the Pipe's environment trait: Quarkus refuses a 2 MiB body itself.
        RawHttp.Exchange large = RawHttp.send(pipe.process().port(),
                Request.to("/callback" + signed(SET)).json().body(padded(2 * 1024 * 1024)), Duration.ofSeconds(10));
        assertThat(large.answered()).isTrue();
        assertThat(large.response().status()).isEqualTo(413);
        assertThat(large.response().text()).isEmpty();

        assertThat(RoutedFiles.files(events)).hasSize(before);
    }
}
