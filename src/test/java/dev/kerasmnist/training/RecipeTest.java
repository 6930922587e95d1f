package dev.kerasmnist.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelShape;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelSummary;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavierUniform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class RecipeTest {
    @Test
    void theConvnetHasTheBooksShapesAndParameters() {
        ModelSpec spec = Recipe.CONVNET.model(1);
        assertEquals(93_322, spec.parameterCount(), "Keras's summary of the book's convnet: 93,322");
        List<int[]> shapes = spec.outputShapes();
        int[][] keras = {{26, 26, 32}, {13, 13, 32}, {11, 11, 64}, {5, 5, 64}, {3, 3, 64}, {576}, {64}, {10}};
        for (int i = 0; i < keras.length; i++) {
            assertArrayEquals(keras[i], shapes.get(i), "layer " + i);
        }
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        assertEquals(93_322, net.numParams());
        assertNull(ModelShape.mnistProblem(net), "784 pixels in, 10 classes out");
        String summary = ModelSummary.of(spec);
        assertTrue(summary.contains(" conv2d (Conv2D)             (None, 26, 26, 32)        320"), summary);
        assertTrue(summary.contains(" max_pooling2d_1 (MaxPooling2D) (None, 5, 5, 64)"), summary);
        assertTrue(summary.contains(" conv2d_2 (Conv2D)           (None, 3, 3, 64)          36928"), summary);
        assertTrue(summary.contains(" flatten (Flatten)           (None, 576)               0"), summary);
        assertTrue(summary.contains(" dense (Dense)               (None, 64)                36928"), summary);
        assertTrue(summary.contains("Total params: 93,322"), summary);
    }

    @Test
    void kerasDefaultsAreSetOnEveryConvolutionAndPooling() {
        MultiLayerNetwork net = KerasToDl4j.build(Recipe.CONVNET.model(1));
        int convolutions = 0;
        int poolings = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            var layer = net.getLayer(i).conf().getLayer();
            if (layer instanceof ConvolutionLayer c && !(layer instanceof SubsamplingLayer)) {
                convolutions++;
                assertEquals(ConvolutionMode.Truncate, c.getConvolutionMode(), "padding='valid'");
                assertArrayEquals(new int[] {1, 1}, c.getStride());
                assertArrayEquals(new int[] {3, 3}, c.getKernelSize());
                assertTrue(c.getWeightInitFn() instanceof WeightInitXavierUniform, "glorot_uniform");
                assertEquals(0.0, c.getBiasInit(), "zeros");
            }
            if (layer instanceof SubsamplingLayer s) {
                poolings++;
                assertEquals(org.deeplearning4j.nn.conf.layers.PoolingType.MAX, s.getPoolingType());
                assertArrayEquals(new int[] {2, 2}, s.getStride(), "strides default to the pool size");
                assertEquals(ConvolutionMode.Truncate, s.getConvolutionMode());
            }
        }
        assertEquals(3, convolutions);
        assertEquals(2, poolings);
    }

    /**
     * The convnet's layers on the fast path: its convolutions through libnd4j's conv ops (equal to stock DL4J to
     * float rounding, FastConvolutionTest), its dense layers and RMSprop as for the MLP (bit for bit, FastPathTest).
     */
    @Test
    void theConvnetTakesTheFastPath() {
        MultiLayerNetwork fast = KerasToDl4j.build(Recipe.CONVNET.model(2));
        List<String> kinds = java.util.Arrays.stream(fast.getLayers())
                .map(l -> l.getClass().getSimpleName())
                .toList();
        assertEquals(
                List.of(
                        "FastConvolutionLayer",
                        "SubsamplingLayer",
                        "FastConvolutionLayer",
                        "SubsamplingLayer",
                        "FastConvolutionLayer",
                        "FastDenseLayer",
                        "FastOutputLayer"),
                kinds);
        assertEquals("FusedRmsPropUpdater", fast.getUpdater().getClass().getSimpleName());
    }

    @Test
    void everyRecipesModelWorksThroughTheClassifierAndEvaluator() {
        MnistSplit digits = Fixtures.synthetic(40, 6);
        for (Recipe recipe : Recipe.values()) {
            MultiLayerNetwork stock = KerasToDl4j.buildStock(recipe.model(3));
            dev.kerasmnist.inference.DigitClassifier classifier =
                    new dev.kerasmnist.inference.DigitClassifier(KerasToDl4j.build(recipe.model(3)));
            for (int n = 0; n < 3; n++) {
                float[] px = Fixtures.pixels(digits, n);
                float[] expected = stock.output(Nd4j.create(px, 1, 784), false).toFloatVector();
                assertArrayEquals(expected, classifier.predict(px).probabilities(), 1e-6f, recipe + " one image");
            }
            var batch = classifier.predict(List.of(Fixtures.pixels(digits, 0), Fixtures.pixels(digits, 1)));
            assertEquals(2, batch.size());
            assertEquals(
                    40,
                    dev.kerasmnist.evaluation.Evaluator.evaluate(stock, digits).examples(),
                    recipe.cliName());
        }
    }

    @Test
    void theTunedMlpKeepsTheTutorialsLayersWithKerasDropout() {
        ModelSpec spec = Recipe.TUNED_MLP.model(1);
        assertEquals(ModelSpec.tutorial(1).parameterCount(), spec.parameterCount(), "the same 784-512-10 weights");
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        DropoutLayer dropout = (DropoutLayer) net.getLayer(1).conf().getLayer();
        assertEquals(0.8, ((Dropout) dropout.getIDropout()).getP(), 1e-12, "Keras rate 0.2 = DL4J keeps 0.8");
        // Dropout acts only while training: two inference passes agree.
        var x = Nd4j.rand(4, 784);
        assertEquals(net.output(x, false), net.output(x, false));
        FitSpec fit = Recipe.TUNED_MLP.fit(1);
        assertEquals(30, fit.epochs());
        assertTrue(fit.learningRateDecay().isEmpty(), "measured: no gain (README's ablation)");
        assertTrue(fit.augmentation() != null);
    }

    @Test
    void recipesAreNamedAsOnTheCommandLine() {
        assertEquals("tuned-mlp", Recipe.TUNED_MLP.cliName());
        assertEquals(Recipe.CONVNET, Recipe.of("convnet"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.of("resnet"));
        assertTrue(e.getMessage().contains("known: tutorial, tuned-mlp, convnet"), e.getMessage());
    }

    @Test
    void layerSpecsRoundTripThroughJsonAndOldRecordsReadAsDense() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ModelSpec convnet = Recipe.CONVNET.model(4);
        String text = json.writeValueAsString(convnet);
        assertTrue(text.contains("\"type\":\"Conv2D\""), text);
        assertEquals(convnet, json.readValue(text, ModelSpec.class));
        String old = "{\"inputDim\":784,\"layers\":[{\"units\":512,\"activation\":\"relu\"},{\"units\":10,"
                + "\"activation\":\"softmax\"}],\"optimizer\":{\"learningRate\":0.001,\"rho\":0.9,\"epsilon\":1.0E-7,"
                + "\"epsilonPlacement\":\"OUTSIDE_SQRT\"},\"loss\":\"categorical_crossentropy\",\"seed\":1}";
        assertEquals(ModelSpec.tutorial(1), json.readValue(old, ModelSpec.class));
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ModelSpec(
                        784,
                        List.of(new dev.kerasmnist.model.Conv2DSpec(8, 3, "relu"), new DenseSpec(10, "softmax")),
                        Recipe.TUTORIAL.model(1).optimizer(),
                        Recipe.TUTORIAL.model(1).loss(),
                        1));
        assertTrue(e.getMessage().contains("put Flatten() before it"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new ModelSpec(
                        784,
                        List.of(
                                new DenseSpec(10, "relu"),
                                dev.kerasmnist.model.Pooling2DSpec.max(2),
                                new DenseSpec(10, "softmax")),
                        Recipe.TUTORIAL.model(1).optimizer(),
                        Recipe.TUTORIAL.model(1).loss(),
                        1));
        assertTrue(
                e.getMessage().contains("MaxPooling2D needs feature maps (rows, cols, channels), not [10]"),
                e.getMessage());
    }
}
