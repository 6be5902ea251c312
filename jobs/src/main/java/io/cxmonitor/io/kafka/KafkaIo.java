package io.cxmonitor.io.kafka;

import io.cxmonitor.metrics.SurveyValidation;
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
    KafkaSourceBuilder<Decoded<SurveyResponse>> b = KafkaSource.<Decoded<SurveyResponse>>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(switch (startFrom) {
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
        })
        .setDeserializer(new DecodingDeserializer<>(WireFormat::surveys, SurveyValidation::problem,
            TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {})))
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setProperties(extra);
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
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
