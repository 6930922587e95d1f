package dev.kerasmnist.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own errors, for requests that never reach the API (bad HTTP, an ambiguous path, headers too large), as
 * the same JSON {@code {"error": "..."}} the API answers, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Runnable badMessages;

    /** @param badMessages counts each request refused before it was readable HTTP */
    JsonErrorHandler(Runnable badMessages) {
        this.badMessages = badMessages;
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        badMessages.run();
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateAcceptableResponse(
            Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.getOutputStream().write(body(code, message));
    }

    private static byte[] body(int status, String reason) {
        String what = HttpStatus.getMessage(status);
        String detail = reason == null || reason.equals(what) ? "" : " (" + reason + ")";
        String error = "the request is not one this server can read: " + status + " " + what + detail
                + "; send well-formed HTTP/1.1 to the routes listed at GET /v1/models and POST /v1/predict";
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("error", error));
        } catch (IOException e) {
            return ("{\"error\": \"" + status + "\"}").getBytes(StandardCharsets.US_ASCII);
        }
    }
}
