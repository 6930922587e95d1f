package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.RealKeras;
import dev.kerasmnist.model.OnnxExport;
import dev.kerasmnist.model.OnnxRuntimeCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Keras fixture imported, exported as ONNX and run by ONNX Runtime itself (all graph optimisations on): its
 * outputs agree with DL4J's within 1e-5 on MNIST test images (synthetic digits without MNIST), with identical
 * predictions. Then ONNX's own checker ({@code onnx.checker.check_model(full_check=True)}) reads every export where
 * Python has the {@code onnx} package (and evaluates each export in float64 against the independent NumPy pass of
 * {@code expected.json}), and the test says loudly when it has not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnnxRuntimeExportTest {
    /** The exports written so far, for the checker. */
    private static final Map<String, Path> EXPORTS = new ConcurrentHashMap<>();

    private static final Path OUT = Path.of("target", "onnx-exports");

    static Stream<String> fixtures() throws IOException {
        return KerasImportTest.fixtures();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFixtureExportsAndOnnxRuntimeAgrees(String fixture) throws Exception {
        // a model trained on raw pixels without a Rescaling layer, as KerasImportTest reads it
        double scale = fixture.contains("raw-pixels") ? 255 : 1;
        KerasImport.Imported imported = KerasImport.read(KerasImportTest.FIXTURES.resolve(fixture), scale);
        byte[] onnx = OnnxExport.bytes(
                imported.net(),
                imported.spec(),
                OnnxExport.DEFAULT_OPSET,
                Map.of("keras_mnist.origin", "imported", "keras_mnist.name", fixture));
        EXPORTS.put(fixture, OnnxRuntimeCheck.save(onnx, OUT.resolve(fixture + ".onnx")));
        OnnxRuntimeCheck.check(fixture, onnx, imported.net(), tolerance(fixture));
    }

    /**
     * 1e-5, except for the residual graphs: their two unnormalised 3x3x8 convolutions and the sum of both branches
     * make float32 results depend on the order of the sums (ORT's im2col GEMM against DL4J's oneDNN), up to 5.7e-5 on
     * 1,000 MNIST images. The graph itself is exact: evaluated in float64 it matches the independent NumPy pass
     * within 1.2e-8 ({@link #onnxsOwnCheckerAcceptsEveryExport} checks every fixture so, within 1e-6).
     */
    static double tolerance(String fixture) {
        return fixture.contains("residual") ? 1e-4 : OnnxRuntimeCheck.TOLERANCE;
    }

    @Order(2)
    @Test
    void onnxsOwnCheckerAcceptsEveryExport() throws Exception {
        Assumptions.assumeFalse(EXPORTS.isEmpty(), "no exports to check (run the whole class)");
        Optional<String> python = pythonWithOnnx();
        if (python.isEmpty()) {
            System.err.println("SKIPPED: onnx.checker (no Python with the onnx package: .ci/run installs it into "
                    + RealKeras.VENV + ", or set ONNX_PYTHON)");
            Assumptions.abort("no Python with the onnx package");
        }
        // the checker, then each export evaluated in float64 by ONNX's reference evaluator against NumPy's own pass
        List<String> command = new ArrayList<>(List.of(
                python.get(),
                "-c",
                String.join(
                        "\n",
                        "import json, os, sys, numpy as np, onnx",
                        "from onnx import numpy_helper, TensorProto",
                        "from onnx.reference import ReferenceEvaluator",
                        "fixtures = sys.argv[1]",
                        "expected = json.load(open(os.path.join(fixtures, 'expected.json')))",
                        "pixels = np.fromfile(os.path.join(fixtures, 'inputs.u8'), np.uint8).reshape(-1, 784) / 255.0",
                        "for f in sys.argv[2:]:",
                        "    m = onnx.load(f)",
                        "    onnx.checker.check_model(m, full_check=True)",
                        "    for t in m.graph.initializer:",
                        "        if t.data_type == TensorProto.FLOAT:",
                        "            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float64), t.name))",
                        "    for v in list(m.graph.input) + list(m.graph.output):",
                        "        v.type.tensor_type.elem_type = TensorProto.DOUBLE",
                        "    y = ReferenceEvaluator(m).run(None, {'pixels': pixels})[0]",
                        "    e = np.array(expected[os.path.basename(f)[:-len('.onnx')]]['outputs'])",
                        "    d = float(np.abs(y - e).max())",
                        "    print('%s: float64 ONNX vs NumPy %.1e' % (os.path.basename(f), d))",
                        "    assert d <= 1e-6, f",
                        "print('checked', len(sys.argv) - 2)")));
        command.add(KerasImportTest.FIXTURES.toString());
        EXPORTS.values().stream().sorted().map(Path::toString).forEach(command::add);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "onnx.checker took too long");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("checked " + EXPORTS.size()), out);
        System.out.println("onnx.checker.check_model(full_check=True) and float64 evaluation:\n" + out.trim());
    }

    /** A Python that imports onnx: {@code ONNX_PYTHON}, CI's venv (with Keras), or python3. */
    static Optional<String> pythonWithOnnx() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("ONNX_PYTHON")).ifPresent(candidates::add);
        candidates.add(RealKeras.VENV.resolve("bin").resolve("python").toString());
        candidates.add("python3");
        for (String python : candidates) {
            if (python.contains("/") && !Files.isExecutable(Path.of(python))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(python, "-c", "import onnx")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(python);
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
