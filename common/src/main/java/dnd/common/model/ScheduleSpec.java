package dnd.common.model;

/** How a model's betas were made (spec section 1.2); the schedule itself is {@code dnd.common.schedule.NoiseSchedule}. */
public record ScheduleSpec(String betas, double betaStart, double betaEnd, int trainSteps, String prediction) {
    public ScheduleSpec {
        if (!"linear".equals(betas) && !"scaled_linear".equals(betas))
            throw new IllegalArgumentException("schedule: betas must be linear or scaled_linear, got " + betas);
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) throw new IllegalArgumentException("schedule: need 0 < beta_start < beta_end < 1");
        if (trainSteps < 2) throw new IllegalArgumentException("schedule: train_steps must be >= 2");
        prediction = prediction == null || prediction.isBlank() ? "epsilon" : prediction;
        if (!"epsilon".equals(prediction)) throw new IllegalArgumentException("schedule: only epsilon prediction is supported, got " + prediction);
    }

    public static ScheduleSpec linearDefault() { return new ScheduleSpec("linear", 1e-4, 0.02, 1000, "epsilon"); }
}
