package io.cxmonitor.platform.serialization;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of one of the jobs' own state serializers that replaced Flink's POJO serializer of
 * the same class: it names the serializer and its layout version, and state written by the POJO
 * serializer (savepoints of earlier releases) is compatible after migration, so Flink reads it with
 * that serializer and writes it again with the new one (on the heap backend as it restores, on
 * RocksDB entry by entry). Subclasses add a public no-argument constructor, which Flink calls.
 */
public abstract class PojoMigratingSnapshot<T> implements TypeSerializerSnapshot<T> {
  private final Class<T> type;
  private final Supplier<TypeSerializer<T>> serializer;
  private final int version;

  protected PojoMigratingSnapshot(Class<T> type, Supplier<TypeSerializer<T>> serializer, int version) {
    this.type = type;
    this.serializer = serializer;
    this.version = version;
  }

  @Override
  public int getCurrentVersion() {
    return version;
  }

  @Override
  public void writeSnapshot(DataOutputView out) {}

  @Override
  public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
    if (readVersion != version) {
      throw new IOException(type.getSimpleName() + " state layout version " + readVersion + " is not this release's ("
          + version + "): resume from a savepoint of this release or an older one");
    }
  }

  @Override
  public TypeSerializer<T> restoreSerializer() {
    return serializer.get();
  }

  @Override
  public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
    if (oldSnapshot.getClass() == getClass()) {
      return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
    if (oldSnapshot instanceof PojoSerializerSnapshot<T> pojo && type.isInstance(pojo.restoreSerializer().createInstance())) {
      return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
    }
    return TypeSerializerSchemaCompatibility.incompatible();
  }
}
