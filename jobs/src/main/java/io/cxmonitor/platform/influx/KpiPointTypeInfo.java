package io.cxmonitor.platform.influx;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type of {@link KpiPoint} (named on the record with {@code @TypeInfo}), so every stream of
 * points uses {@link KpiPointSerializer} instead of Kryo. Not a key type: points are never keyed.
 */
public final class KpiPointTypeInfo extends TypeInformation<KpiPoint> {
  private static final long serialVersionUID = 1L;

  public static final KpiPointTypeInfo INSTANCE = new KpiPointTypeInfo();

  private KpiPointTypeInfo() {}

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<KpiPoint> getTypeClass() {
    return KpiPoint.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<KpiPoint> createSerializer(SerializerConfig config) {
    return KpiPointSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "KpiPoint";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof KpiPointTypeInfo;
  }

  @Override
  public int hashCode() {
    return KpiPointTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof KpiPointTypeInfo;
  }

  private Object readResolve() {
    return INSTANCE;
  }

  /** Named by {@code @TypeInfo} on {@link KpiPoint}; Flink instantiates it. */
  public static final class Factory extends TypeInfoFactory<KpiPoint> {
    @Override
    public TypeInformation<KpiPoint> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return INSTANCE;
    }
  }
}
