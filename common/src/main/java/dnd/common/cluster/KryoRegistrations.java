package dnd.common.cluster;

import dnd.common.model.Concept;
import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed Kryo ids of every class that crosses JVMs over Pekko. Ids are part of the wire
 * format: never renumber or reuse one, only append. Ids below 100 belong to Kryo and to the
 * containers {@link KryoSerializer} handles itself.
 *
 * <p>Where to add a class:
 * <ul>
 *   <li>a message class in {@code common}: append it to {@link #CORE} below (ids 100-199);</li>
 *   <li>a message class in another module (e.g. the coordinator's events, which {@code common}
 *       cannot see): list it in that module's {@code reference.conf} under
 *       {@code dnd.kryo.registrations { "fully.qualified.Class" = 200 }} (ids 200-999 are free
 *       for that; the coordinator owns 200-399).</li>
 * </ul>
 */
public final class KryoRegistrations {

    private KryoRegistrations() {}

    /** Core messages and the value types they carry, in id order. */
    public static final Map<Class<?>, Integer> CORE = core();

    private static Map<Class<?>, Integer> core() {
        Map<Class<?>, Integer> m = new LinkedHashMap<>();
        m.put(int[].class, 100);
        m.put(long[].class, 101);
        m.put(float[].class, 102);
        m.put(double[].class, 103);
        m.put(String[].class, 104);
        m.put(byte[].class, 105);
        m.put(boolean[].class, 106);
        m.put(NodeService.Describe.class, 120);
        m.put(NodeService.NodeInfo.class, 121);
        m.put(ModelCard.class, 130);
        m.put(ScheduleSpec.class, 131);
        m.put(Concept.class, 132);
        // next free core id: 133 (NodeService/model types 120-139, other common types 140-199)
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Ids the serializer reserves for containers and actor references (see KryoSerializer). */
    static final int LIST = 50, MAP = 51, SET = 52, OPTIONAL = 53, ACTOR_REF = 54;

    /** Lowest id a module may use in {@code dnd.kryo.registrations}. */
    public static final int FIRST_EXTERNAL_ID = 200;
}
