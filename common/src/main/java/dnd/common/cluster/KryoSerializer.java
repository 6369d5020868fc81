package dnd.common.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pekko serializer for every {@link KryoMessage}: Kryo with registration required and fixed ids
 * ({@link KryoRegistrations}), so an unregistered class fails loudly at the sender instead of
 * shipping class names. Records use Kryo's record serializer; any List, Map or Set travels as
 * an unmodifiable one (insertion order kept); typed {@code ActorRef}s travel as their path and
 * are resolved on arrival with {@link ActorRefResolver}.
 */
public final class KryoSerializer extends JSerializer {

    /** Fixed Pekko serializer id (must be unique among the system's serializers). */
    public static final int IDENTIFIER = 7_201_001;

    private final ExtendedActorSystem system;
    private final Map<Class<?>, Integer> external;
    private volatile ActorRefResolver resolver;
    private final Pool<Kryo> pool = new Pool<>(true, false, 16) {
        @Override
        protected Kryo create() { return newKryo(); }
    };

    public KryoSerializer(ExtendedActorSystem system) {
        this.system = system;
        this.external = externalRegistrations(system.settings().config());
        newKryo(); // fail at start-up, not on the first message, if the registrations are wrong
    }

    @Override
    public int identifier() { return IDENTIFIER; }

    @Override
    public boolean includeManifest() { return false; }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = pool.obtain();
        try {
            Output out = new Output(256, -1);
            kryo.writeClassAndObject(out, o);
            return out.toBytes();
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = pool.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        } finally {
            pool.free(kryo);
        }
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            // lazily: the typed system is not ready while serializers are being constructed
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    private Kryo newKryo() {
        Kryo kryo = new ContainerAwareKryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(List.class, new ListSerializer(), KryoRegistrations.LIST);
        kryo.register(Map.class, new MapSerializer(), KryoRegistrations.MAP);
        kryo.register(Set.class, new SetSerializer(), KryoRegistrations.SET);
        kryo.register(Optional.class, new OptionalSerializer(), KryoRegistrations.OPTIONAL);
        kryo.register(ActorRef.class, new ActorRefSerializer(), KryoRegistrations.ACTOR_REF);
        KryoRegistrations.CORE.forEach(kryo::register);
        external.forEach(kryo::register);
        return kryo;
    }

    static Map<Class<?>, Integer> externalRegistrations(Config config) {
        Map<Class<?>, Integer> out = new LinkedHashMap<>();
        if (!config.hasPath("dnd.kryo.registrations")) return out;
        Config regs = config.getConfig("dnd.kryo.registrations");
        Map<Integer, String> byId = new HashMap<>();
        List<String> names = new ArrayList<>(regs.root().keySet());
        Collections.sort(names);
        for (String name : names) {
            int id = regs.getInt("\"" + name + "\"");
            if (id < KryoRegistrations.FIRST_EXTERNAL_ID)
                throw new IllegalArgumentException("dnd.kryo.registrations: id " + id + " of " + name + " is below " + KryoRegistrations.FIRST_EXTERNAL_ID);
            String clash = byId.put(id, name);
            if (clash != null) throw new IllegalArgumentException("dnd.kryo.registrations: id " + id + " given to both " + clash + " and " + name);
            try {
                out.put(Class.forName(name, false, KryoSerializer.class.getClassLoader()), id);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("dnd.kryo.registrations: class " + name + " not found", e);
            }
        }
        return out;
    }

    /** Maps every List/Map/Set/ActorRef implementation to the one registration of its interface. */
    private static final class ContainerAwareKryo extends Kryo {
        @Override
        public Registration getRegistration(Class type) {
            if (type != null && !type.isArray()) {
                if (List.class.isAssignableFrom(type) && type != List.class) return super.getRegistration(List.class);
                if (Map.class.isAssignableFrom(type) && type != Map.class) return super.getRegistration(Map.class);
                if (Set.class.isAssignableFrom(type) && type != Set.class) return super.getRegistration(Set.class);
                if (ActorRef.class.isAssignableFrom(type) && type != ActorRef.class) return super.getRegistration(ActorRef.class);
            }
            return super.getRegistration(type);
        }
    }

    private static final class ListSerializer extends Serializer<List<?>> {
        @Override
        public void write(Kryo kryo, Output out, List<?> list) {
            out.writeVarInt(list.size(), true);
            for (Object o : list) kryo.writeClassAndObject(out, o);
        }

        @Override
        public List<?> read(Kryo kryo, Input in, Class<? extends List<?>> type) {
            int n = in.readVarInt(true);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) list.add(kryo.readClassAndObject(in));
            return Collections.unmodifiableList(list);
        }
    }

    private static final class SetSerializer extends Serializer<Set<?>> {
        @Override
        public void write(Kryo kryo, Output out, Set<?> set) {
            out.writeVarInt(set.size(), true);
            for (Object o : set) kryo.writeClassAndObject(out, o);
        }

        @Override
        public Set<?> read(Kryo kryo, Input in, Class<? extends Set<?>> type) {
            int n = in.readVarInt(true);
            Set<Object> set = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) set.add(kryo.readClassAndObject(in));
            return Collections.unmodifiableSet(set);
        }
    }

    private static final class MapSerializer extends Serializer<Map<?, ?>> {
        @Override
        public void write(Kryo kryo, Output out, Map<?, ?> map) {
            out.writeVarInt(map.size(), true);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                kryo.writeClassAndObject(out, e.getKey());
                kryo.writeClassAndObject(out, e.getValue());
            }
        }

        @Override
        public Map<?, ?> read(Kryo kryo, Input in, Class<? extends Map<?, ?>> type) {
            int n = in.readVarInt(true);
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) map.put(kryo.readClassAndObject(in), kryo.readClassAndObject(in));
            return Collections.unmodifiableMap(map);
        }
    }

    private static final class OptionalSerializer extends Serializer<Optional<?>> {
        @Override
        public void write(Kryo kryo, Output out, Optional<?> o) {
            kryo.writeClassAndObject(out, o.orElse(null));
        }

        @Override
        public Optional<?> read(Kryo kryo, Input in, Class<? extends Optional<?>> type) {
            return Optional.ofNullable(kryo.readClassAndObject(in));
        }
    }

    private final class ActorRefSerializer extends Serializer<ActorRef<?>> {
        @Override
        public void write(Kryo kryo, Output out, ActorRef<?> ref) {
            out.writeString(resolver().toSerializationFormat(ref));
        }

        @Override
        public ActorRef<?> read(Kryo kryo, Input in, Class<? extends ActorRef<?>> type) {
            return resolver().resolveActorRef(in.readString());
        }
    }
}
