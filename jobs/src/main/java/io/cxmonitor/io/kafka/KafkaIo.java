package io.cxmonitor.io.kafka;

import io.cxmonitor.metrics.EventTimeCheck;
import io.cxmonitor.metrics.InteractionValidation;
import io.cxmonitor.metrics.SurveyValidation;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SlaBreachAlert;
import org.apache.avro.specific.SpecificRecord;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the jobs' Kafka sources and sinks. */
public final class KafkaIo {
  private KafkaIo() {}

  /** Where a job starts reading when it has no checkpoint or savepoint. */
  public enum StartFrom {
    /** Committed group offsets, else earliest: the normal production start. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  public static KafkaSource<Decoded<SurveyResponse>> surveySource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra) {
    return source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::surveys, SurveyValidation::problem,
            TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {})));
  }

  public static KafkaSource<Decoded<InteractionEvent>> interactionSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra) {
    return source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::interactions, InteractionValidation::problem,
            TypeInformation.of(new TypeHint<Decoded<InteractionEvent>>() {})));
  }

  public static KafkaSource<Decoded<CustomerLifecycleEvent>> lifecycleSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra) {
    return source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::lifecycle, KafkaIo::lifecycleProblem,
            TypeInformation.of(new TypeHint<Decoded<CustomerLifecycleEvent>>() {})));
  }

  public static KafkaSource<Decoded<FollowUpDone>> followUpDoneSource(
      String bootstrapServers, String topic, String groupId, StartFrom startFrom, boolean bounded, Properties extra) {
    return source(bootstrapServers, topic, groupId, startFrom, bounded, extra,
        new DecodingDeserializer<>(WireFormat::followUpsDone, (d, now) -> d.getActionId() == null || d.getActionId().isBlank()
            ? "action_id is empty" : EventTimeCheck.problem("done_at", d.getDoneAt(), now, "follow-up " + d.getActionId()),
            TypeInformation.of(new TypeHint<Decoded<FollowUpDone>>() {})));
  }

  static String lifecycleProblem(CustomerLifecycleEvent e, long now) {
    if (e.getCustomerId() == null || e.getCustomerId().isBlank()) {
      return "customer_id is empty (event " + e.getEventId() + ")";
    }
    if (e.getMrrMinor() < 0) {
      return "mrr_minor = " + e.getMrrMinor() + " is negative (event " + e.getEventId() + ")";
    }
    if (e.getType() == io.cxmonitor.schemas.LifecycleType.UNKNOWN) {
      return "type is not one this job knows (event " + e.getEventId() + ")";
    }
    return EventTimeCheck.problem("event_time", e.getEventTime(), now, "event " + e.getEventId());
  }

  /** Avro single-object-encoded records of any cx-monitor type, keyed by {@code key}. */
  public static <T extends SpecificRecord> KafkaSink<T> avroSink(String bootstrapServers, String topic,
      DecodingDeserializer.CodecFactory<T> codec, KeyOf<T> key) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new AvroRecordSerializer<>(topic, codec, key))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  /** The Kafka key of a record. */
  @FunctionalInterface
  public interface KeyOf<T> extends java.io.Serializable {
    String key(T record);
  }

  private static <T extends SpecificRecord> KafkaSource<Decoded<T>> source(String bootstrapServers, String topic,
      String groupId, StartFrom startFrom, boolean bounded, Properties extra, DecodingDeserializer<T> deserializer) {
    KafkaSourceBuilder<Decoded<T>> b = KafkaSource.<Decoded<T>>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(switch (startFrom) {
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
        })
        .setDeserializer(deserializer)
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setProperties(extra);
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  /** Avro single-object-encoded SLA alerts, keyed by ticket id. */
  public static KafkaSink<SlaBreachAlert> slaAlertSink(String bootstrapServers, String topic) {
    return avroSink(bootstrapServers, topic, WireFormat::slaAlerts, SlaBreachAlert::getTicketId);
  }

  public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, String topic, Properties extra) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new DeadLetterSerializer(topic))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(extra)
        .build();
  }
}
