package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.OnnxExport;
import dev.kerasmnist.model.OnnxRuntimeCheck;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.training.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code export-onnx} on each recipe, briefly trained and saved with its provenance: ONNX Runtime reproduces the
 * trained DL4J model, and the provenance is in the file's metadata; refusals are one line.
 */
class OnnxRuntimeCliTest extends CliHarness {
    @TempDir
    Path tmp;

    /** A recipe's model after one epoch on 512 synthetic digits, saved as {@code train} saves it. */
    private Path trained(Recipe recipe, ModelSpec spec) throws Exception {
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        net.fit(MnistIterators.training(SyntheticDigits.split(512, 11), 64, 11));
        Path zip = tmp.resolve(recipe.cliName() + ".zip");
        Provenance p = new Provenance(
                Provenance.FORMAT,
                Provenance.Origin.recipe(recipe.cliName()),
                Optional.of(spec),
                Optional.empty(),
                Map.of(),
                Optional.of(new Provenance.Test(0.25, 0.9321)),
                Provenance.Build.now(List.of("test")));
        ModelStore.save(net, p, "epoch,loss\n", new ModelFiles(zip));
        return zip;
    }

    @ParameterizedTest
    @EnumSource(Recipe.class)
    void everyRecipeExportsAndOnnxRuntimeAgrees(Recipe recipe) throws Exception {
        Path zip = trained(recipe, recipe.model(5));
        int opset = recipe == Recipe.TUTORIAL ? OnnxExport.MIN_OPSET : OnnxExport.DEFAULT_OPSET;
        assertEquals(0, run("export-onnx", zip.toString(), "--opset", String.valueOf(opset)), stderr.toString());
        Path onnx = tmp.resolve(recipe.cliName() + ".onnx");
        assertTrue(out().contains("Wrote " + onnx), out());
        byte[] bytes = Files.readAllBytes(onnx);
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(bytes);
        assertEquals(opset, model.getOpsetImport(0).getVersion());
        Map<String, String> metadata = new HashMap<>();
        model.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertEquals("recipe", metadata.get("keras_mnist.origin"));
        assertEquals(recipe.cliName(), metadata.get("keras_mnist.name"));
        assertEquals("0.9321", metadata.get("keras_mnist.test_accuracy"));
        assertEquals(
                dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(zip)), metadata.get("keras_mnist.source_sha256"));
        OnnxRuntimeCheck.check("recipe " + recipe.cliName() + " (opset " + opset + ")", bytes, ModelStore.loadAny(zip));
    }

    @Test
    void anOpsetOutsideTheRangeAndALayerWithoutAnOnnxFormAreRefusedInOneLine() throws Exception {
        Path zip = trained(Recipe.TUTORIAL, Recipe.TUTORIAL.model(5));
        assertEquals(1, run("export-onnx", zip.toString(), "--opset", "12"));
        assertTrue(stderr.toString().contains("ONNX opset 12 is not written; opsets 13 to 21 are"), stderr.toString());
        stderr = new java.io.StringWriter();
        ModelSpec gelu = new ModelSpec(
                784,
                List.of(new DenseSpec(16, KerasActivation.GELU), new DenseSpec(10, KerasActivation.SOFTMAX)),
                Recipe.TUTORIAL.model(5).optimizer(),
                Recipe.TUTORIAL.model(5).loss(),
                5);
        Path geluZip = trained(Recipe.TUTORIAL, gelu);
        assertEquals(1, run("export-onnx", geluZip.toString()));
        String error = stderr.toString().trim();
        assertTrue(error.startsWith("error: Dense(16, gelu) has no exact ONNX form"), error);
        assertEquals(1, error.lines().count(), error);
        assertTrue(Files.notExists(tmp.resolve("tutorial.onnx")), "nothing written");
    }

    @Test
    void predictOnOnnxRuntimeSaysWhatDl4jSays() throws Exception {
        Path zip = trained(Recipe.CONVNET, Recipe.CONVNET.model(5));
        Path png = dev.kerasmnist.Fixtures.writePng(SyntheticDigits.split(8, 3), 2, tmp.resolve("digit.png"));
        assertEquals(0, run("predict", "--model", zip.toString(), "--json", png.toString()), stderr.toString());
        com.fasterxml.jackson.databind.JsonNode dl4j =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(out());
        stdout.reset();
        assertEquals(
                0,
                run("predict", "--model", zip.toString(), "--engine", "onnxruntime", "--json", png.toString()),
                stderr.toString());
        com.fasterxml.jackson.databind.JsonNode ort = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out());
        assertEquals(dl4j.get(0).get("digit"), ort.get(0).get("digit"));
        for (int d = 0; d < 10; d++) {
            assertEquals(
                    dl4j.get(0).get("probabilities").get(d).asDouble(),
                    ort.get(0).get("probabilities").get(d).asDouble(),
                    OnnxRuntimeCheck.TOLERANCE);
        }
        assertEquals(2, run("predict", "--engine", "tensorrt", png.toString()));
        assertTrue(
                stderr.toString().contains("unknown engine 'tensorrt'; use one of dl4j, onnxruntime"),
                stderr.toString());
    }
}
