package dev.kerasmnist.kernels;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.kerasmnist.model.OpenBlas;
import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the tests tagged {@value KernelMatrixTest#TAG} in this JVM and exits 0 only when some ran and none failed.
 * {@link KernelMatrixTest} starts it once per forced OpenBLAS kernel: the kernel is chosen when OpenBLAS is loaded,
 * so each kernel needs a JVM of its own.
 */
public final class KernelRun {
    private KernelRun() {}

    public static void main(String[] args) {
        Nd4j.create(1); // loads the natives, and with them OpenBLAS and its kernel
        System.out.println(KernelMatrixTest.KERNEL_LINE + OpenBlas.coreName().orElse("unknown"));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("dev.kerasmnist"))
                .filters(TagFilter.includeTags(KernelMatrixTest.TAG))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 12);
        out.printf(
                "%d passed, %d failed, %d skipped%n",
                summary.getTestsSucceededCount(), summary.getTotalFailureCount(), summary.getTestsSkippedCount());
        out.flush();
        boolean ok = summary.getTestsSucceededCount() > 0 && summary.getTotalFailureCount() == 0;
        System.exit(ok ? 0 : 1);
    }
}
