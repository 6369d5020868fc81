package dnd.node;

import io.grpc.Status;

/** A request the node refuses; the message names the offending field. */
public final class RequestException extends Exception {

    private final Status.Code code;

    public RequestException(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public static RequestException invalid(String message) { return new RequestException(Status.Code.INVALID_ARGUMENT, message); }

    public static RequestException exhausted(String message) { return new RequestException(Status.Code.RESOURCE_EXHAUSTED, message); }

    public Status.Code code() { return code; }
}
