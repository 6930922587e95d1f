package dev.kerasmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** DL4J's dashboard (deeplearning4j-ui 1.0.0-M2.1, vertx 3.9.0; 3.9.16 under -Pspark) on Java 17, fed by a real training run. */
class DashboardTest {
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheOverviewOfATinyRun() throws Exception {
        int port = freePort();
        try (Dashboard dashboard = Dashboard.start(port)) {
            assertEquals("http://localhost:" + port + "/train/overview", dashboard.url());
            MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
            net.addListeners(dashboard.listener());
            Trainer.fit(
                    net, Fixtures.synthetic(640, 1), FitSpec.keras(1).epochs(2).batchSize(32));

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> page = get(client, port, "/train/overview");
            assertEquals(200, page.statusCode());
            // DL4J's stats storage hands the reports to the UI asynchronously: poll until they are there
            HttpResponse<String> data = get(client, port, "/train/overview/data");
            JsonNode json = new ObjectMapper().readTree(data.body());
            for (int i = 0;
                    i < 100 && data.statusCode() == 200 && json.path("scores").size() < 3;
                    i++) {
                Thread.sleep(100);
                data = get(client, port, "/train/overview/data");
                json = new ObjectMapper().readTree(data.body());
            }
            assertEquals(200, data.statusCode(), data.body());
            // 40 iterations reported every 10: scores and the model's facts arrive
            assertTrue(json.get("scores").size() >= 3, data.body());
            assertTrue(json.get("scores").get(0).asDouble() > 0);
            assertTrue(data.body().contains("407050"), "total parameters in the model table");

            // A malformed request (the vertx 3.9.0 NullPointerException users report came from error handling
            // with a newer netty; here netty is 4.1.48, vertx's own, or under -Pspark Spark's 4.1.118 with vertx
            // 3.9.16, which hung on exactly this with 3.9.0) does not break the server.
            try (Socket socket = new Socket("localhost", port)) {
                OutputStream out = socket.getOutputStream();
                out.write("GARBAGE \u0001\u0002 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.getInputStream().read(new byte[256]);
            }
            assertEquals(200, get(client, port, "/train/overview/data").statusCode());
        }
    }
}
