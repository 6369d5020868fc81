package dnd.cli.bench;

import dnd.proto.ComposeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times one job per configuration in rounds that visit every configuration in turn (after
 * {@code warmup} untimed rounds), so that a change of the machine's load hits every row alike.
 * The first step of every job (it opens the job's streams) is not among the step samples.
 */
final class Rounds {

    /** What the timed jobs of one configuration gave. */
    record Measured(List<JobDriver.StepTime> steps, CpuMeter.Reading cpu, int allSteps, List<Double> clientWallPerStep) {
        double[] stepMs() { return steps.stream().mapToDouble(JobDriver.StepTime::stepMs).toArray(); }
        double[] computeMs() { return steps.stream().mapToDouble(JobDriver.StepTime::computeMs).toArray(); }
        double[] coordinatorMs() { return steps.stream().mapToDouble(JobDriver.StepTime::coordinatorMs).toArray(); }
        double coordCpuMsPerStep() { return cpu.coordinatorNanos() / 1e6 / allSteps; }
        double nodesCpuMsPerStep() { return cpu.nodesNanos() / 1e6 / allSteps; }
        double coordJitMsPerStep() { return cpu.coordinatorJitNanos() / 1e6 / allSteps; }
    }

    private Rounds() {}

    /** Warm-up jobs use seeds {@code seed + 1,000,000 + w}, timed round r uses {@code seed + r}. */
    static <K> Map<K, Measured> run(JobDriver driver, CpuMeter meter, Map<K, ComposeRequest.Builder> requests,
                                    int warmup, int repeats, long seed) {
        for (int w = 0; w < warmup; w++)
            for (ComposeRequest.Builder request : requests.values()) driver.run(request.setSeed(seed + 1_000_000 + w).build());
        Map<K, List<JobDriver.StepTime>> steps = new LinkedHashMap<>();
        Map<K, CpuMeter.Reading> cpu = new LinkedHashMap<>();
        Map<K, Integer> allSteps = new LinkedHashMap<>();
        Map<K, List<Double>> wallPerStep = new LinkedHashMap<>();
        for (int r = 0; r < repeats; r++)
            for (Map.Entry<K, ComposeRequest.Builder> e : requests.entrySet()) {
                K key = e.getKey();
                CpuMeter.Reading before = meter.read();
                JobDriver.JobTiming job = driver.run(e.getValue().setSeed(seed + r).build());
                cpu.merge(key, meter.read().minus(before), CpuMeter.Reading::plus);
                allSteps.merge(key, job.steps().size(), Integer::sum);
                wallPerStep.computeIfAbsent(key, k -> new ArrayList<>()).add(job.clientWallMs() / job.steps().size());
                for (JobDriver.StepTime s : job.steps())
                    if (s.step() > 0) steps.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        Map<K, Measured> out = new LinkedHashMap<>();
        for (K key : requests.keySet())
            out.put(key, new Measured(steps.getOrDefault(key, List.of()), cpu.get(key), allSteps.get(key), wallPerStep.get(key)));
        return out;
    }
}
