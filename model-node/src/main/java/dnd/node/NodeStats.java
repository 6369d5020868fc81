package dnd.node;

import dnd.proto.NodeStats.Builder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The node's counters: requests, rejections, backend calls, batch sizes, compute time and latency. */
public final class NodeStats {

    private final LongAdder steps = new LongAdder(), guidance = new LongAdder(), rejected = new LongAdder();
    private final LongAdder calls = new LongAdder(), items = new LongAdder(), computeNanos = new LongAdder();
    private final LongAdder replies = new LongAdder(), latencyNanos = new LongAdder();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final AtomicInteger largestBatch = new AtomicInteger(), openStreams = new AtomicInteger();
    private final Map<Integer, LongAdder> histogram = new ConcurrentHashMap<>();

    void accepted(NodeWork w) { (w instanceof NodeWork.Step ? steps : guidance).increment(); }

    void rejected() { rejected.increment(); }

    void backendCall(int latents, long nanos) {
        calls.increment();
        items.add(latents);
        computeNanos.add(nanos);
        largestBatch.accumulateAndGet(latents, Math::max);
        histogram.computeIfAbsent(latents, k -> new LongAdder()).increment();
    }

    void replied(long latency) {
        replies.increment();
        latencyNanos.add(latency);
        maxLatencyNanos.accumulateAndGet(latency, Math::max);
    }

    void streamOpened() { openStreams.incrementAndGet(); }

    void streamClosed() { openStreams.decrementAndGet(); }

    public int openStreams() { return openStreams.get(); }

    public dnd.proto.NodeStats snapshot() {
        long c = calls.sum(), r = replies.sum();
        Builder b = dnd.proto.NodeStats.newBuilder()
                .setStepRequests(steps.sum()).setGuidanceRequests(guidance.sum()).setRejectedRequests(rejected.sum())
                .setForwardPasses(c).setBatchedItems(items.sum()).setLargestBatch(largestBatch.get())
                .setMeanBatch(c == 0 ? 0 : (double) items.sum() / c)
                .setMeanComputeMs(c == 0 ? 0 : computeNanos.sum() / 1e6 / c)
                .setMeanLatencyMs(r == 0 ? 0 : latencyNanos.sum() / 1e6 / r)
                .setMaxLatencyMs(maxLatencyNanos.get() / 1e6)
                .setOpenStreams(openStreams.get());
        new TreeMap<>(histogram).forEach((k, v) -> b.putBatchHistogram(k, v.sum()));
        return b.build();
    }

    /** One log line. */
    public String summary() {
        dnd.proto.NodeStats s = snapshot();
        return String.format("steps=%d guidance=%d rejected=%d calls=%d mean_batch=%.2f largest_batch=%d mean_compute_ms=%.2f mean_latency_ms=%.2f max_latency_ms=%.1f open_streams=%d",
                s.getStepRequests(), s.getGuidanceRequests(), s.getRejectedRequests(), s.getForwardPasses(), s.getMeanBatch(),
                s.getLargestBatch(), s.getMeanComputeMs(), s.getMeanLatencyMs(), s.getMaxLatencyMs(), s.getOpenStreams());
    }
}
