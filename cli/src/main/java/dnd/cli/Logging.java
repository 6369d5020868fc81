package dnd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Client commands that run an embedded cluster keep its log to warnings, unless DND_LOG says otherwise. */
final class Logging {

    private Logging() {}

    static void quietUnlessAsked() {
        if (System.getenv("DND_LOG") != null) return;
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.WARN);
    }
}
