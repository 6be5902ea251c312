package io.cxmonitor.io.kafka;

import io.cxmonitor.metrics.InteractionValidation;
import io.cxmonitor.metrics.SurveyValidation;
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
  public static KafkaSink<SlaBreachAlert> slaAlertSink(String bootstrapServers, String topic, Properties extra) {
    return KafkaSink.<SlaBreachAlert>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new SlaAlertSerializer(topic))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(extra)
        .build();
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
