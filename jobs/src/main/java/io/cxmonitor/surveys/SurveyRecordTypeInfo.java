package io.cxmonitor.surveys;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.serialization.SingletonTypeInfo;
import io.cxmonitor.schemas.SurveyResponse;

/**
 * Flink's type of the consumed survey records the survey job shuffles to its deduplicator, so the
 * shuffle uses {@link SurveyRecordSerializer} instead of the POJO serializer.
 */
final class SurveyRecordTypeInfo extends SingletonTypeInfo<Decoded<SurveyResponse>> {
  private static final long serialVersionUID = 1L;

  static final SurveyRecordTypeInfo INSTANCE = new SurveyRecordTypeInfo();

  @SuppressWarnings("unchecked")
  private SurveyRecordTypeInfo() {
    super((Class<Decoded<SurveyResponse>>) (Class<?>) Decoded.class, SurveyRecordSerializer.INSTANCE, "Decoded<SurveyResponse>");
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
