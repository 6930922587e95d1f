package dev.kerasmnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.OnnxExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/onnx.md's Java snippet runs a model exported by {@code export-onnx} in ONNX Runtime, as a user's code would. */
class OnnxRuntimeSnippetTest {
    @TempDir
    Path tmp;

    @Test
    void theJavaOnnxRuntimeSnippetPredictsWithAnExport() throws Exception {
        Path zip = tmp.resolve("tiny.zip");
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 1), zip);
        Path onnx = tmp.resolve("tiny.onnx");
        OnnxExport.write(zip, onnx, OnnxExport.DEFAULT_OPSET);
        String printed = ReadmeSnippetTest.compileAndRun(
                ReadmeSnippetTest.snippet("onnxruntime-java")
                        .replace("\"convnet.onnx\"", ReadmeSnippetTest.quote(onnx)),
                tmp);
        String[] lines = printed.strip().split("\n");
        assertEquals(2, lines.length, printed);
        assertTrue(lines[0].matches("a blank image is a \\d"), printed);
        // the accuracy the provenance recorded (Fixtures.provenance), carried into the file's metadata
        assertEquals("test accuracy recorded in the file: 0.5000", lines[1], printed);
        assertTrue(new ModelFiles(zip).provenance().toFile().isFile());
    }

    @Test
    void thePythonOnnxRuntimeSnippetPredictsWithAnExport() throws Exception {
        Path python = RealKeras.python(); // the tests' venv has onnxruntime beside Keras (.ci/run)
        Path zip = tmp.resolve("tiny.zip");
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 1), zip);
        Path onnx = tmp.resolve("tiny.onnx");
        OnnxExport.write(zip, onnx, OnnxExport.DEFAULT_OPSET);
        String page = Files.readString(Path.of("docs", "onnx.md"));
        int start = page.indexOf("```python\n", page.indexOf("## Using it from Python"));
        String code = page.substring(start + "```python\n".length(), page.indexOf("```", start + 9))
                .replace("\"convnet.onnx\"", ReadmeSnippetTest.quote(onnx));
        Process p = new ProcessBuilder(python.toString(), "-c", code)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "python did not finish");
        assertEquals(0, p.exitValue(), printed);
        assertTrue(printed.matches("\\[\\d\\]\n0\\.5000\n"), printed);
    }
}
