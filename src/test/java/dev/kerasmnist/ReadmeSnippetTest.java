package dev.kerasmnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.plots.Charts;
import dev.kerasmnist.training.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the marked Java snippets of README.md and docs/*.md, so the documentation cannot drift from the API. */
class ReadmeSnippetTest {
    @TempDir
    Path tmp;

    static String snippet() throws Exception {
        return snippet("predict");
    }

    /** The Java block after {@code <!-- snippet:NAME ...}, in README.md or one of docs/*.md. */
    static String snippet(String name) throws Exception {
        List<Path> pages = new java.util.ArrayList<>(List.of(Path.of("README.md")));
        try (var docs = Files.list(Path.of("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> lines = List.of();
        int start = -1;
        for (Path page : pages) {
            lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size() && start < 0; i++) {
                if (lines.get(i).startsWith("<!-- snippet:" + name + " ")) {
                    start = i + 2; // skip the ```java line
                }
            }
            if (start > 0) {
                break;
            }
        }
        assertTrue(start > 0, "README.md or docs/ has the snippet marker " + name);
        StringBuilder code = new StringBuilder();
        for (int i = start; !lines.get(i).startsWith("```"); i++) {
            code.append(lines.get(i)).append('\n');
        }
        return code.toString();
    }

    @Test
    void theReadmeSnippetPredictsADigit() throws Exception {
        // A tiny model and a PNG of a digit it knows stand in for models/mnist-mlp.zip and samples/digit.png.
        MnistSplit digits = Fixtures.synthetic(300, 1);
        ModelSpec spec = new ModelSpec(
                784,
                List.of(new DenseSpec(32, "relu"), new DenseSpec(10, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                1);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        Trainer.fit(net, digits, FitSpec.keras(1).epochs(1).batchSize(32));
        Path model = tmp.resolve("model.zip");
        ModelStore.save(net, Fixtures.provenance(spec, 0.5), "", new ModelFiles(model));
        float[] px = new float[784];
        for (int p = 0; p < 784; p++) {
            px[p] = digits.images().pixel(0, p) / 255f;
        }
        Path png = tmp.resolve("digit.png");
        ImageIO.write(Charts.digitImage(px), "png", png.toFile());

        String code = snippet()
                .replace("\"models/mnist-mlp.zip\"", quote(model))
                .replace("\"samples/digit.png\"", quote(png));
        String printed = compileAndRun(code);

        assertTrue(printed.startsWith(digits.label(0) + " ("), "predicted " + printed + " for a " + digits.label(0));
        assertTrue(printed.contains("top 3: [" + digits.label(0) + ", "), printed);
    }

    @Test
    void theReadmeKerasSnippetImportsPredictsAndExports() throws Exception {
        Path back = tmp.resolve("back.keras");
        String code = snippet("keras").replace("\"models/keras3-residual-back.keras\"", quote(back));
        String printed = compileAndRun(code);
        assertTrue(
                printed.startsWith(
                        "Keras 3 native (.keras): Input((28, 28, 1)) -> Conv2D(8, (3, 3), relu," + " padding='same')"),
                printed);
        assertTrue(printed.contains("Add([conv2d, conv2d_1])"), printed);
        assertTrue(printed.matches("(?s).*a blank image is a \\d.*"), printed);
        assertTrue(Files.size(back) > 10_000, "exported");
    }

    @Test
    void thePlainDl4jSnippetLoadsOurModelFile() throws Exception {
        ModelSpec spec = new ModelSpec(
                784,
                List.of(new DenseSpec(32, "relu"), new DenseSpec(10, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                1);
        Path model = tmp.resolve("model.zip");
        ModelStore.save(KerasToDl4j.build(spec), Fixtures.provenance(spec, 0.5), "", new ModelFiles(model));
        String printed = compileAndRun(snippet("plain-dl4j").replace("\"models/mnist-mlp.zip\"", quote(model)));
        assertTrue(printed.matches("a blank image is a \\d\\s*"), printed);
    }

    @Test
    void theLowerLayersSnippetTrainsAndEvaluates() throws Exception {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 100);
        String code = snippet("lower-layers")
                .replace(
                        "Mnist.load(Path.of(\"data/mnist\"))",
                        "Mnist.load(Path.of(" + quote(data) + "), Mnist.Checksums.SKIP)");
        String printed = compileAndRun(code);
        assertTrue(printed.contains("test_acc: "), printed);
        assertTrue(printed.contains("tutorial: 0.9801"), printed);
    }

    @Test
    void theReadmeTrainingRunTrainsValidatesAndSaves() throws Exception {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 100);
        Path model = tmp.resolve("validated.zip");
        String code = snippet("train")
                .replace(
                        "Mnist.load(Path.of(\"data/mnist\"))",
                        "Mnist.load(Path.of(" + quote(data) + "), Mnist.Checksums.SKIP)")
                .replace("\"models/validated.zip\"", quote(model));
        String printed = compileAndRun(code);
        assertTrue(printed.startsWith("epoch 1: loss "), printed);
        assertTrue(printed.contains("test_acc 0.9") || printed.contains("test_acc 1.0"), printed);
        assertTrue(Files.isRegularFile(model), "saved");
        var provenance = ModelStore.readProvenance(new ModelFiles(model));
        assertEquals(
                0.1, provenance.training().orElseThrow().fit().validationSplit().orElseThrow());
        assertEquals(60, provenance.training().orElseThrow().validationExamples());
    }

    @Test
    void theReadmeSweepTablesItsTrialsAndSavesTheBest() throws Exception {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 400, 100);
        String code = snippet("sweep")
                // the Spark engine exists only in the -Pspark build; the sequential one runs the same trials
                .replace("TrialEngine.spark(\"local[*]\")", "TrialEngine.sequential()")
                .replace("Optional.empty()", "Optional.of(300)")
                .replace(
                        "Path.of(\"data/mnist\")).run(engine)",
                        "Path.of(" + quote(data) + "))"
                                + ".checksums(dev.kerasmnist.data.Mnist.Checksums.SKIP).dir(Path.of("
                                + quote(tmp.resolve("sweep"))
                                + ")).run(engine)");
        String printed = compileAndRun(code);
        assertTrue(printed.startsWith("best: [learning-rate="), printed);
        assertTrue(
                printed.contains(
                        " over 2 seeds, model in " + tmp.resolve("sweep").resolve("best.zip")),
                printed);
        assertTrue(Files.isRegularFile(tmp.resolve("sweep").resolve("results.csv")));
    }

    private String compileAndRun(String code) throws Exception {
        return compileAndRun(code, tmp);
    }

    /** Compiles a snippet's imports and statements as one main method in {@code tmp} and returns what it printed. */
    static String compileAndRun(String code, Path tmp) throws Exception {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : code.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "public class Snippet {\n public static void main(String[] args) throws Exception {\n"
                + body + " }\n}\n";
        Path src = Files.writeString(tmp.resolve("Snippet.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-cp", classPath, "-d", tmp.toString(), src.toString());
        assertEquals(0, status, "README snippet does not compile:\n" + source + errors);

        PrintStream realOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {tmp.toUri().toURL()}, ReadmeSnippetTest.class.getClassLoader())) {
            Method main = loader.loadClass("Snippet").getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(realOut);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String quote(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }
}
