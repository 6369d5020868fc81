package dnd.cli;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations the way the HOCON config does: 500ms, 10s, 2m. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return ConfigFactory.parseString("d = \"" + value.replace("\"", "") + "\"").getDuration("d");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: '" + value + "' (use e.g. 500ms, 10s, 2m)");
        }
    }
}
