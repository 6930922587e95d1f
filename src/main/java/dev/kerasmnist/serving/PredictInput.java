package dev.kerasmnist.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.ImageDecoder;
import dev.kerasmnist.inference.ImageLoadException;
import dev.kerasmnist.inference.ImageTooLargeException;
import dev.kerasmnist.inference.MnistPreprocessor;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.UnsupportedMediaTypeResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * The images in one {@code POST /v1/predict} body, validated: an image file (raw or multipart), JSON
 * {@code {"pixels": [784]}} or JSON {@code {"instances": [[784], ...]}}. Every refusal is a 4xx whose message says
 * what is expected.
 *
 * @param images       MNIST pixel vectors, 784 values in [0, 1] each
 * @param instances    whether the body was a JSON batch (the answer is then a list)
 * @param preprocessed whether the pixels came from an image through {@link MnistPreprocessor} (the answer shows them)
 */
record PredictInput(List<float[]> images, boolean instances, boolean preprocessed) {
    static final Set<String> IMAGE_TYPES =
            Set.of("image/png", "image/jpeg", "image/bmp", "image/gif", "application/octet-stream");
    static final String EXPECTED = "send an image (PNG, JPEG, BMP or GIF) as the body or as multipart form data, "
            + "JSON {\"pixels\": [784 numbers in 0..1]}, or JSON {\"instances\": [[784 numbers], ...]}";
    /** NaN and Infinity are parsed so that the answer can name them, rather than failing as "not JSON". */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /**
     * Checks what can be checked before a body is read: its declared length and its content type.
     *
     * @return the media type, lower case, without parameters
     * @throws ContentTooLargeResponse       if the declared body is over the limit
     * @throws UnsupportedMediaTypeResponse  if the type is not one this server reads
     */
    static String checkHeaders(Context ctx, ServeConfig config) {
        long declared = ctx.contentLength();
        if (declared > config.maxBodyBytes()) {
            throw new ContentTooLargeResponse("the body is " + declared + " bytes; the limit is "
                    + config.maxBodyBytes() + " bytes: send a smaller image");
        }
        String type = mediaType(ctx.contentType());
        if (type.equals("multipart/form-data")) {
            String boundary = parameter(ctx.contentType(), "boundary");
            if (boundary == null || boundary.isEmpty()) {
                throw new BadRequestResponse("multipart/form-data needs its boundary: send the header 'Content-Type: "
                        + "multipart/form-data; boundary=...' that your HTTP client writes with the form");
            }
            return type;
        }
        if (!type.equals("application/json") && !IMAGE_TYPES.contains(type)) {
            throw new UnsupportedMediaTypeResponse("content type '" + type + "' is not accepted: " + EXPECTED);
        }
        String charset = parameter(ctx.contentType(), "charset");
        if (type.equals("application/json")
                && charset != null
                && !charset.equalsIgnoreCase("utf-8")
                && !charset.equalsIgnoreCase("us-ascii")) {
            throw new UnsupportedMediaTypeResponse("JSON is read as UTF-8 (RFC 8259), not charset '" + charset
                    + "': send it as UTF-8, with no charset or charset=utf-8");
        }
        return type;
    }

    /**
     * The heap that parsing a body of {@code length} bytes takes besides the body: the tree for JSON, a copy of the
     * file for multipart; an image's decode reserves its own ({@link Admission#decode}).
     */
    static long parseBytes(String type, long length) {
        return switch (type) {
            case "application/json" -> length * Admission.JSON_TREE_FACTOR;
            case "multipart/form-data" -> length;
            default -> 0;
        };
    }

    /** Checks the images in a body read in full; decoding takes one of {@code admission}'s decode slots. */
    static PredictInput from(String type, String contentType, byte[] body, ServeConfig config, Admission admission)
            throws InterruptedException {
        if (type.equals("multipart/form-data")) {
            return fromImage(upload(contentType, body, config), config, admission);
        }
        if (body.length == 0) {
            throw new BadRequestResponse("the body is empty: " + EXPECTED);
        }
        return type.equals("application/json") ? fromJson(body, config) : fromImage(body, config, admission);
    }

    /** A parameter of a Content-Type ({@code boundary}, {@code charset}), unquoted, or null. */
    private static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String value = part.substring(eq + 1).trim();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1)
                        : value;
            }
        }
        return null;
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "(none)";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** The first file of a multipart form, parsed by Jetty's own parser from the body already read. */
    private static byte[] upload(String contentType, byte[] body, ServeConfig config) {
        MultipartConfigElement limits =
                new MultipartConfigElement(null, config.maxBodyBytes(), config.maxBodyBytes(), (int)
                        config.maxBodyBytes()); // in memory: the body is within the limit
        MultiPartFormInputStream form =
                new MultiPartFormInputStream(new ByteArrayInputStream(body), contentType, limits, null, 16);
        try {
            for (Part part : form.getParts()) {
                if (part.getSubmittedFileName() == null) {
                    continue;
                }
                try (InputStream in = part.getInputStream()) {
                    byte[] bytes = in.readAllBytes();
                    if (bytes.length == 0) {
                        throw new BadRequestResponse("the uploaded file is empty: " + EXPECTED);
                    }
                    return bytes;
                }
            }
        } catch (IOException | IllegalStateException e) { // Jetty's parser: malformed, truncated, too many parts
            throw new BadRequestResponse("the multipart body is malformed or truncated: send multipart/form-data "
                    + "with the image as a file field, every part ending with the boundary");
        } finally {
            form.deleteParts();
        }
        throw new BadRequestResponse("the multipart form has no file: add the image as a file field");
    }

    private static PredictInput fromImage(byte[] bytes, ServeConfig config, Admission admission)
            throws InterruptedException {
        ImageBounds bounds;
        try {
            bounds = ImageBounds.of(bytes, config.maxPixels());
        } catch (ImageTooLargeException e) {
            throw new ContentTooLargeResponse(e.getMessage());
        } catch (ImageLoadException e) {
            throw new BadRequestResponse(e.getMessage() + ": " + EXPECTED);
        }
        try (Admission.Permit decoding = admission.decode(bounds.decoderBytes())) {
            float[] pixels = MnistPreprocessor.toMnist(ImageDecoder.decode(bytes, config.maxPixels()));
            return new PredictInput(List.of(pixels), false, true);
        } catch (ImageTooLargeException e) {
            throw new ContentTooLargeResponse(e.getMessage());
        } catch (ImageLoadException e) {
            if (ImageBounds.outOfMemory(e)) { // ImageIO wraps the error of a reader it could not finish
                throw outOfMemory();
            }
            throw new BadRequestResponse(e.getMessage() + ": " + EXPECTED);
        } catch (OutOfMemoryError e) {
            throw outOfMemory();
        }
    }

    /** The heap ran out while decoding: the server's state, not the image's fault. */
    private static Predictor.ServerBusyException outOfMemory() {
        return new Predictor.ServerBusyException(
                "the server ran out of memory decoding this image: retry shortly, or send a smaller one", "memory");
    }

    private static PredictInput fromJson(byte[] body, ServeConfig config) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("the body is not valid JSON (" + e.getOriginalMessage() + "): " + EXPECTED);
        } catch (IOException e) {
            throw new BadRequestResponse("the body could not be read as JSON: " + EXPECTED);
        }
        if (tree != null && tree.isObject() && tree.has("pixels") && tree.size() == 1) {
            return new PredictInput(List.of(pixels(tree.get("pixels"), "pixels")), false, false);
        }
        if (tree != null && tree.isObject() && tree.has("instances") && tree.size() == 1) {
            JsonNode rows = tree.get("instances");
            if (!rows.isArray() || rows.isEmpty()) {
                throw new BadRequestResponse("\"instances\" must be a non-empty array of images, each 784 numbers");
            }
            if (rows.size() > config.maxInstances()) {
                throw new ContentTooLargeResponse("\"instances\" has " + rows.size() + " images; the limit is "
                        + config.maxInstances() + " per request: split the batch");
            }
            List<float[]> images = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                images.add(pixels(rows.get(i), "instances[" + i + "]"));
            }
            return new PredictInput(images, true, false);
        }
        throw new BadRequestResponse(
                "the JSON must be an object with exactly one key, \"pixels\" or \"instances\": " + EXPECTED);
    }

    private static float[] pixels(JsonNode node, String name) {
        if (!node.isArray() || node.size() != MnistSplit.PIXELS) {
            throw new BadRequestResponse(name + " must be an array of " + MnistSplit.PIXELS + " numbers (28x28, "
                    + "row-major, 0..1 as pixel/255), not "
                    + (node.isArray()
                            ? node.size() + " values"
                            : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        float[] pixels = new float[MnistSplit.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw new BadRequestResponse(name + "[" + i + "] is " + v + "; expected a number in 0..1");
            }
            double d = v.doubleValue();
            if (!(d >= 0 && d <= 1)) {
                throw new BadRequestResponse(name + "[" + i + "] is " + v.asText() + "; expected a number in 0..1 "
                        + "(pixel/255, white ink on black)");
            }
            pixels[i] = v.floatValue();
        }
        return pixels;
    }
}
