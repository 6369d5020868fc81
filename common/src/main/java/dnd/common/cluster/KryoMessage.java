package dnd.common.cluster;

/** Marker for messages that cross JVMs over Pekko; bound to the project's Kryo serializer in reference.conf. */
public interface KryoMessage {}
