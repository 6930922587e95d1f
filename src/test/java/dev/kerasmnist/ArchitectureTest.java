package dev.kerasmnist;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages are the stages of the data's journey, and no stage uses a later one: checked on the compiled classes
 * (ArchUnit), so a new import that breaks the order fails the build. docs/architecture.md describes the stages.
 */
class ArchitectureTest {
    /**
     * Bottom to top: each package may use only those before it. {@code failures} (what an expected failure is and
     * its remedies), {@code files} (atomic writes, JSON) and {@code plots}
     * are helpers low down; {@code robustness}, {@code serving}, {@code lessons} and {@code sweep} sit on the stages
     * they use; {@code cli} parses, renders and prints, on top of everything.
     */
    static final List<String> STAGES = List.of(
            "failures",
            "files",
            "data",
            "plots",
            "model",
            "keras",
            "training",
            "evaluation",
            "inference",
            "robustness",
            "serving",
            "lessons",
            "sweep",
            "cli");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kerasmnist");

    @Test
    void noStageUsesALaterOne() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String stage : STAGES) {
            layers = layers.layer(stage).definedBy("dev.kerasmnist." + stage + "..");
        }
        layers = layers.whereLayer(STAGES.get(0)).mayNotAccessAnyLayer();
        for (int i = 1; i < STAGES.size(); i++) {
            layers = layers.whereLayer(STAGES.get(i))
                    .mayOnlyAccessLayers(STAGES.subList(0, i).toArray(String[]::new));
        }
        layers.check(MAIN);
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() {
        // model.fast plugs into model through FastPathHook (a service), not by model importing it
        slices().matching("dev.kerasmnist.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void everyPackageIsAStageAndSaysWhatItIs() throws IOException {
        Path root = Path.of("src/main/java/dev/kerasmnist");
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(Files::isDirectory)
                    .filter(ArchitectureTest::hasJava)
                    .toList()) {
                assertEquals(true, Files.exists(dir.resolve("package-info.java")), dir + " has no package-info.java");
                String top = root.relativize(dir).getName(0).toString();
                assertEquals(true, STAGES.contains(top), dir + " is in no stage of " + STAGES);
            }
        }
    }

    private static boolean hasJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
