package dnd.node.client;

import io.grpc.Status;

/** A request the node answered with an {@code ErrorReply}: the stream itself is still healthy. */
public final class NodeRequestException extends RuntimeException {

    private final Status.Code code;
    private final String detail;

    public NodeRequestException(int code, String detail) {
        super(Status.fromCodeValue(code).getCode() + ": " + detail);
        this.code = Status.fromCodeValue(code).getCode();
        this.detail = detail;
    }

    public Status.Code code() { return code; }

    /** The node's message, which names the offending field. */
    public String detail() { return detail; }
}
