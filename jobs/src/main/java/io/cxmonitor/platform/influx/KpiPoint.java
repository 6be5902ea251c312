package io.cxmonitor.platform.influx;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One InfluxDB point as the jobs produce it, before the client's representation. Tags are
 * sorted (line protocol's preferred order) and immutable ({@link SortedTags}); field values are {@link Long} (integer fields) or
 * {@link Double}. Flink ships points with {@link KpiPointSerializer}.
 */
@TypeInfo(KpiPointTypeInfo.Factory.class)
public record KpiPoint(String measurement, Map<String, String> tags, Map<String, Object> fields, long timeMillis) {
  public KpiPoint {
    Objects.requireNonNull(measurement, "measurement");
    tags = SortedTags.of(tags);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a point needs at least one field: " + measurement + tags);
    }
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      if (!(f.getValue() instanceof Long || f.getValue() instanceof Double)) {
        throw new IllegalArgumentException("field " + f.getKey() + " must be Long or Double, got " + f.getValue());
      }
      if (f.getValue() instanceof Double d && !Double.isFinite(d)) {
        throw new IllegalArgumentException("field " + f.getKey() + " is not finite: " + d);
      }
    }
  }
}
