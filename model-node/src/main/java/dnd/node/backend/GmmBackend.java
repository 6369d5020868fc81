package dnd.node.backend;

import dnd.common.gmm.GaussianMixtureDenoiser;
import dnd.common.gmm.GmmSpec;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The analytic Gaussian-mixture denoiser from common (exact eps, maps and VJPs), for tests:
 * {@code --gmm name=gmm,shape=16x16,attention=8x8} (every key optional; "default" = the toy world
 * of {@link GmmSpec#defaults()}). Its card's checksum is the SHA-256 of the canonical spec, so
 * replicas started with the same spec agree.
 */
public final class GmmBackend implements Denoiser {

    private final GaussianMixtureDenoiser gmm;
    private final ModelCard card;

    private GmmBackend(GaussianMixtureDenoiser gmm, String canonical, int maxBatch) {
        this.gmm = gmm;
        this.card = gmm.card().withSha256(sha256("gaussian-mixture:" + canonical)).withMaxBatch(maxBatch);
    }

    public static Denoiser open(String spec, int maxBatch) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank() || part.equals("default")) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--gmm: expected key=value, got '" + part + "'");
            String k = part.substring(0, eq).trim();
            if (!k.equals("name") && !k.equals("shape") && !k.equals("attention"))
                throw new IllegalArgumentException("--gmm: unknown key '" + k + "' (known: name, shape, attention)");
            kv.put(k, part.substring(eq + 1).trim());
        }
        int[] hw = dims(kv.getOrDefault("shape", "16x16"), "shape");
        int[] a = dims(kv.getOrDefault("attention", "8x8"), "attention");
        String name = kv.getOrDefault("name", "gmm");
        String canonical = "name=" + name + ",shape=" + hw[0] + "x" + hw[1] + ",attention=" + a[0] + "x" + a[1];
        return new GmmBackend(new GaussianMixtureDenoiser(GmmSpec.withShape(name, hw[0], hw[1], a[0], a[1])), canonical, maxBatch);
    }

    private static int[] dims(String s, String key) {
        String[] p = s.toLowerCase().split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--gmm " + key + ": expected HxW like 16x16, got " + s);
        }
    }

    @Override
    public ModelCard card() { return card; }

    @Override
    public Forward forward(FloatTensor x, long[] t, long[][] tokens) { return gmm.forward(x, t, tokens); }

    @Override
    public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor weights) {
        return gmm.utilityGrad(x, t, tokens, weights);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
