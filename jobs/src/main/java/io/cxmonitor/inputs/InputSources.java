package io.cxmonitor.inputs;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.DecodingDeserializer;
import io.cxmonitor.platform.kafka.KafkaIo;
import io.cxmonitor.platform.kafka.KafkaIo.StartFrom;
import io.cxmonitor.platform.kafka.ValueFormat;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * The input streams as every job reads them: decoded from Avro and validated by the same rules,
 * so a survey or interaction that one job rejects is rejected by all (given the same
 * {@link EventTimeCheck}).
 */
public final class InputSources {
  private InputSources() {}

  public static KafkaSource<Decoded<SurveyResponse>> surveySource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra,
      ValueFormat format, EventTimeCheck eventTimes) {
    return surveySource(bootstrapServers, topic, groupId, startFrom, bounded, extra, format, eventTimes, List.of());
  }

  /**
   * @param format single-object encoding or Confluent framing with the registry to look ids up in
   * @param writerSchemas producers' survey schemas (Avro JSON) to read besides the shipped ones
   *     ({@link WireFormat.Codec#alsoReading}); a registry needs none
   */
  public static KafkaSource<Decoded<SurveyResponse>> surveySource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra,
      ValueFormat format, EventTimeCheck eventTimes, List<String> writerSchemas) {
    List<String> writers = List.copyOf(writerSchemas);
    WireFormat.surveys().alsoReading(writers); // refuses unreadable schemas now, not on the task
    return KafkaIo.source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(() -> WireFormat.surveys().alsoReading(writers), format,
            (r, now) -> SurveyValidation.problem(r, now, eventTimes),
            TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {})));
  }

  public static KafkaSource<Decoded<InteractionEvent>> interactionSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra,
      ValueFormat format, EventTimeCheck eventTimes) {
    return KafkaIo.source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::interactions, format, (e, now) -> InteractionValidation.problem(e, now, eventTimes),
            TypeInformation.of(new TypeHint<Decoded<InteractionEvent>>() {})));
  }

  public static KafkaSource<Decoded<CustomerLifecycleEvent>> lifecycleSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra,
      ValueFormat format, EventTimeCheck eventTimes) {
    return KafkaIo.source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::lifecycle, format, (e, now) -> lifecycleProblem(e, now, eventTimes),
            TypeInformation.of(new TypeHint<Decoded<CustomerLifecycleEvent>>() {})));
  }

  public static KafkaSource<Decoded<FollowUpDone>> followUpDoneSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra,
      ValueFormat format, EventTimeCheck eventTimes) {
    return KafkaIo.source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::followUpsDone, format, (d, now) -> d.getActionId() == null || d.getActionId().isBlank()
            ? "action_id is empty" : eventTimes.problem("done_at", d.getDoneAt(), now, "follow-up " + d.getActionId()),
            TypeInformation.of(new TypeHint<Decoded<FollowUpDone>>() {})));
  }

  static String lifecycleProblem(CustomerLifecycleEvent e, long now, EventTimeCheck eventTimes) {
    if (e.getCustomerId() == null || e.getCustomerId().isBlank()) {
      return "customer_id is empty (event " + e.getEventId() + ")";
    }
    if (e.getMrrMinor() < 0) {
      return "mrr_minor = " + e.getMrrMinor() + " is negative (event " + e.getEventId() + ")";
    }
    if (e.getType() == io.cxmonitor.schemas.LifecycleType.UNKNOWN) {
      return "type is not one this job knows (event " + e.getEventId() + ")";
    }
    return eventTimes.problem("event_time", e.getEventTime(), now, "event " + e.getEventId());
  }
}
