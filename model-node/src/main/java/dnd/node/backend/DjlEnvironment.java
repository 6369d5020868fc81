package dnd.node.backend;

/**
 * DJL's process settings, applied before the engine starts: offline (no model-zoo or native
 * download) and no telemetry probe, unless the operator set them otherwise. A GPU host points
 * {@code PYTORCH_LIBRARY_PATH} at its own libtorch (see docs/operations.md); nothing here
 * overrides that.
 */
public final class DjlEnvironment {

    private DjlEnvironment() {}

    /** @param threads intra-op threads for libtorch; 0 leaves libtorch's default. */
    public static void configure(int threads) {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (threads > 0) setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) System.setProperty(key, value);
    }
}
