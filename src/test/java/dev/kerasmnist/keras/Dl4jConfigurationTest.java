package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.training.Recipe;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/**
 * The DL4J configuration JSON that the recipes and every fixture's import build, byte for byte: it is what saved
 * model files hold and what the fast path installs over, so a change to how layers map to DL4J must not change it.
 * The SHA-256 sums were recorded before the layer mappings moved into one place per layer.
 */
class Dl4jConfigurationTest {
    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("keras2-channels-first.h5", "41167ef4b87bf427f5e3911f62fea2b0d3cca6c2820be22d1b5bd595314e2b8b"),
            Map.entry("keras2-convnet.h5", "332c62ddf42482fc501e8586d588477d323dd42ed64f31f96f1c81d73f967f48"),
            Map.entry("keras2-functional.h5", "39303ac0fb00f2fe50a4c1c2daf51579a30006e6ec688963d92ae1ce6bd7a295"),
            Map.entry("keras2-lstm.h5", "47210bb70ce7835f57dd20163b177b3b21c6c3b93cb0a2898f25cf7db388f91c"),
            Map.entry("keras2-residual.h5", "814e92cc68587bb95b424759508c482a1e3bd9b2d488d04f430725473998968c"),
            Map.entry("keras2-sequential.h5", "e3600355b9f5d4ecd9aa9a3d6a7a11ac39b83653e399f9fd23425ece7de7865c"),
            Map.entry("keras2-windows.keras", "332c62ddf42482fc501e8586d588477d323dd42ed64f31f96f1c81d73f967f48"),
            Map.entry("keras213-convnet.keras", "332c62ddf42482fc501e8586d588477d323dd42ed64f31f96f1c81d73f967f48"),
            Map.entry("keras3-allconv.keras", "f5376d6d0e2f6b0d433cba85ad94e9dbb64afa131b3b17b7c979e5fb678590dd"),
            Map.entry("keras3-convnet-legacy.h5", "332c62ddf42482fc501e8586d588477d323dd42ed64f31f96f1c81d73f967f48"),
            Map.entry("keras3-convnet.keras", "332c62ddf42482fc501e8586d588477d323dd42ed64f31f96f1c81d73f967f48"),
            Map.entry("keras3-functional.keras", "39303ac0fb00f2fe50a4c1c2daf51579a30006e6ec688963d92ae1ce6bd7a295"),
            Map.entry("keras3-lstm.keras", "d53c355c3c8dc4f701212a0223ab7797f1469916692721a1e1b88a71b7362e77"),
            Map.entry("keras3-nested.keras", "09839f2992895a857de15dda7073c3a4bbb86e0d31b6695d378c716691eab270"),
            Map.entry("keras3-raw-pixels.keras", "8af0deb480a48abb5d3f81346e0024a0c49663e4b9beb7144260a8e227ea1c6f"),
            Map.entry("keras3-rescaling.keras", "78c2a60c44648164d3a5c540fb098bd89099e13af90ac1dbcea2761956c3579c"),
            Map.entry("keras3-residual.keras", "814e92cc68587bb95b424759508c482a1e3bd9b2d488d04f430725473998968c"),
            Map.entry(
                    "keras3-sequential-legacy.h5", "9fc2845c953043b39e3524350bc26151ee41535f67c7add2362b109493f2c5d4"),
            Map.entry("keras3-sequential.keras", "9fc2845c953043b39e3524350bc26151ee41535f67c7add2362b109493f2c5d4"),
            Map.entry("keras3-simple-rnn.keras", "a3bb952091c3a02eeecfb6b87d5d534a82ea72a0b8388458921a9f8d926e23f2"),
            Map.entry("recipe:convnet", "c4dd7c558402a317d151c7a5aea2fe3793e8559a26bd922951523e71f7a42bf6"),
            Map.entry("recipe:tuned-mlp", "43e4880b684f591bc5d0d387f4bddf773c3d28fceedf8c2dfd10f3df20172098"),
            Map.entry("recipe:tutorial", "0357e870cd1702f8176065af4a843ff7ef41378d8c26737264f761c30fca2c43")));

    @Test
    void recipesAndImportsBuildTheSameDl4jConfigurationAsBefore() throws IOException {
        Map<String, String> actual = new TreeMap<>();
        for (Recipe r : Recipe.values()) {
            actual.put("recipe:" + r.cliName(), sha256(KerasToDl4j.build(r.model(1))));
        }
        for (String name : KerasImportTest.fixtures().toList()) {
            double scale = name.contains("raw-pixels") ? 255 : 1;
            actual.put(
                    name,
                    sha256(KerasImport.read(KerasImportTest.FIXTURES.resolve(name), scale)
                            .net()));
        }
        actual.keySet().retainAll(EXPECTED.keySet()); // fixtures added since have no earlier configuration
        assertEquals(EXPECTED, actual);
    }

    private static String sha256(Model net) {
        String json = net instanceof ComputationGraph g
                ? g.getConfiguration().toJson()
                : ((MultiLayerNetwork) net).getLayerWiseConfigurations().toJson();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return String.format("%064x", new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
