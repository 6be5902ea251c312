package io.cxmonitor.platform.influx;

import java.lang.reflect.Type;
import java.util.Map;
import io.cxmonitor.platform.serialization.SingletonTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink's type of {@link KpiPoint} (named on the record with {@code @TypeInfo}), so every stream of
 * points uses {@link KpiPointSerializer} instead of Kryo. Not a key type: points are never keyed.
 */
public final class KpiPointTypeInfo extends SingletonTypeInfo<KpiPoint> {
  private static final long serialVersionUID = 1L;

  public static final KpiPointTypeInfo INSTANCE = new KpiPointTypeInfo();

  private KpiPointTypeInfo() {
    super(KpiPoint.class, KpiPointSerializer.INSTANCE, "KpiPoint");
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
