package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in a real browser: Debian's Chromium, driven through its chromedriver by Selenium. Nothing is
 * downloaded: both binaries are named, so Selenium's driver manager is not consulted.
 *
 * <p>{@code -Dserve.model=models/mnist-mlp.zip -Dserve.screenshot=FILE} runs it on a real model and keeps the
 * screenshot (README's).
 */
class PageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final MnistSplit DIGITS = Fixtures.synthetic(400, 5);

    @TempDir
    static Path dir;

    static ModelServer server;
    static Http http;
    static Path model;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser installed: "
                        + "skipping the page test (apt-get install chromium chromium-driver; .ci/run installs them)");
        String real = System.getProperty("serve.model");
        model = real != null ? Path.of(real) : dir.resolve("tiny.zip");
        if (real == null) {
            Fixtures.trainTinyModel(DIGITS, model);
        }
        server = ModelServer.start(model, ServeConfig.DEFAULTS.port(0).timing(ModelServerTest.QUICK_STOP));
        http = new Http(server.uri());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The closed network: without the networking flags Chromium stalls on connections it cannot make.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--window-size=1120,620");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The page's last answer once no request is pending, as the page holds it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> settledResult() {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> ((JavascriptExecutor) d)
                .executeScript("return window.lastResult != null && document.body.dataset.busy === 'false'"));
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("return window.lastResult");
    }

    /** The digit, the bars and the API agree for the pixels the page shows the model saw. */
    static void checkPageAgreesWithApi(Map<String, Object> result) {
        int digit = ((Number) result.get("digit")).intValue();
        assertEquals(String.valueOf(digit), browser.findElement(By.id("digit")).getText());
        List<?> probabilities = (List<?>) result.get("probabilities");
        List<?> preprocessed = (List<?>) result.get("preprocessed");
        assertEquals(784, preprocessed.size());
        float[] pixels = new float[784];
        for (int i = 0; i < 784; i++) {
            pixels[i] = ((Number) preprocessed.get(i)).floatValue();
        }
        JsonNode api = http.postPixels(pixels).json();
        assertEquals(api.get("digit").intValue(), digit, "the page and the API agree on the digit");
        List<WebElement> bars = browser.findElements(By.cssSelector("#bars .bar"));
        assertEquals(10, bars.size());
        for (int d = 0; d < 10; d++) {
            WebElement bar = bars.get(d);
            float shown = Float.parseFloat(bar.getAttribute("data-probability"));
            assertEquals(api.get("probabilities").get(d).floatValue(), shown, 1e-6f, "bar " + d);
            assertEquals(((Number) probabilities.get(d)).floatValue(), shown, 1e-6f);
            String height = bar.findElement(By.className("fill")).getAttribute("style");
            java.util.regex.Matcher percent =
                    java.util.regex.Pattern.compile("height: ([0-9.]+)%").matcher(height);
            assertTrue(percent.find(), height);
            assertEquals(shown * 100, Double.parseDouble(percent.group(1)), 0.006, "bar " + d + " height");
            assertEquals(d == digit, bar.getAttribute("class").contains("best"), "bar " + d + " highlighted");
        }
        Number ink = (Number) ((JavascriptExecutor) browser)
                .executeScript(
                        "const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;"
                                + "let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s;");
        assertTrue(ink.longValue() > 0, "the 28x28 the model saw is drawn");
    }

    @Test
    void drawingAStrokeShowsThePredictionAndItsBars() throws IOException {
        browser.get(server.uri().toString());
        WebElement pad = browser.findElement(By.id("pad"));
        // A 7: the top bar, then the diagonal down to the left (offsets from the pad's centre).
        new Actions(browser)
                .moveToElement(pad, -55, -85)
                .clickAndHold()
                .moveByOffset(40, 0)
                .moveByOffset(40, 0)
                .moveByOffset(30, 0)
                .moveByOffset(-15, 40)
                .moveByOffset(-15, 40)
                .moveByOffset(-15, 40)
                .moveByOffset(-15, 45)
                .release()
                .perform();
        Map<String, Object> result = settledResult();
        checkPageAgreesWithApi(result);
        String model = browser.findElement(By.id("model")).getText();
        assertTrue(model.contains(server.modelId().get("file")) && model.contains("test accuracy"), model);

        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "serve-page.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        String keep = System.getProperty("serve.screenshot");
        if (keep != null) {
            Files.copy(shot.toPath(), Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void anUploadedPngIsPredictedLikePredictDoes() throws IOException {
        browser.get(server.uri().toString());
        settledOrEmpty();
        Path png = dir.resolve("digit.png");
        Files.write(png, ModelServerTest.png(DIGITS, 9));
        browser.findElement(By.id("file")).sendKeys(png.toAbsolutePath().toString());
        Map<String, Object> result = settledResult();
        checkPageAgreesWithApi(result);
        Prediction cli = DigitClassifier.load(model).predict(png);
        assertEquals(cli.digit(), ((Number) result.get("digit")).intValue(), "as `predict` says for the file");
        assertEquals(
                cli.probabilities()[cli.digit()],
                ((Number) ((List<?>) result.get("probabilities")).get(cli.digit())).floatValue(),
                1e-6f);
    }

    /** With --token-file the page asks for the token on its first API call, once, and then works. */
    @Test
    void aServerWithATokenAsksForItOnce() throws IOException {
        String token = "page-test-token-0123456789";
        try (ModelServer guarded = ModelServer.start(
                model,
                ServeConfig.DEFAULTS
                        .port(0)
                        .timing(ModelServerTest.QUICK_STOP)
                        .access(ServeConfig.Access.OPEN.token(token)))) {
            browser.get(guarded.uri().toString());
            Alert ask = new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.alertIsPresent());
            assertTrue(ask.getText().contains("access token"), ask.getText());
            ask.sendKeys(token);
            ask.accept();
            new WebDriverWait(browser, Duration.ofSeconds(20))
                    .until(d -> d.findElement(By.id("model")).getText().contains("test accuracy"));
            Path png = dir.resolve("guarded.png");
            Files.write(png, ModelServerTest.png(DIGITS, 4));
            browser.findElement(By.id("file")).sendKeys(png.toAbsolutePath().toString());
            Map<String, Object> result = settledResult();
            assertEquals(
                    DigitClassifier.load(model).predict(png).digit(),
                    ((Number) result.get("digit")).intValue(),
                    "predicted with the token, asked for once");
            assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "asked only once");
        } finally {
            ((JavascriptExecutor) browser).executeScript("sessionStorage.clear(); window.lastResult = null;");
        }
    }

    private static void settledOrEmpty() {
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> ((JavascriptExecutor) d).executeScript("return document.body.dataset.busy === 'false'"));
    }
}
