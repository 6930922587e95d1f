package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model} installs the fast path without importing {@code model.fast} (which imports {@code model}): networks
 * built or loaded here still get it, through {@link FastPathHook}.
 */
class FastPathHookTest {
    @TempDir
    Path tmp;

    private static List<String> kinds(MultiLayerNetwork net) {
        return Stream.concat(
                        Arrays.stream(net.getLayers()).map(l -> l.getClass().getSimpleName()),
                        Stream.of(net.getUpdater().getClass().getSimpleName()))
                .toList();
    }

    @Test
    void networksBuiltAndLoadedGetTheFastPath() throws IOException, ModelLoadException {
        List<String> fast = List.of("FastDenseLayer", "FastOutputLayer", "FusedRmsPropUpdater");
        MultiLayerNetwork built = KerasToDl4j.build(ModelSpec.tutorial(1));
        assertEquals(fast, kinds(built));
        Path zip = tmp.resolve("m.zip");
        ModelSerializer.writeModel(KerasToDl4j.buildStock(ModelSpec.tutorial(1)), zip.toFile(), true);
        assertEquals(fast, kinds(ModelStore.restore(zip, EpsilonPlacement.OUTSIDE_SQRT)));
    }

    @Test
    void modelImportsNothingFromModelFast() throws IOException {
        try (Stream<Path> sources = Files.list(Path.of("src/main/java/dev/kerasmnist/model"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                assertTrue(
                        Files.readAllLines(source).stream().noneMatch(l -> l.contains("dev.kerasmnist.model.fast")),
                        source + " names model.fast: the packages would depend on each other again");
            }
        }
    }
}
