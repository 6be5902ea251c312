package io.cxmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.churn.ChurnKpiJob;
import io.cxmonitor.platform.influx.InfluxSink;
import io.cxmonitor.platform.influx.KpiPoint;
import io.cxmonitor.platform.influx.KpiPointSerializer;
import io.cxmonitor.platform.influx.KpiPointTypeInfo;
import io.cxmonitor.platform.pipeline.CountingOperator;
import io.cxmonitor.service.ServiceKpiJob;
import io.cxmonitor.surveys.SurveyKpiJob;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every stream of points in the jobs uses {@link KpiPointSerializer}, never Kryo: Flink's type of
 * {@link KpiPoint} is {@link KpiPointTypeInfo}, and each job's graph, built with generic types
 * disabled, ships its points with our serializer.
 */
class KpiPointsWithoutKryoTest {
  private static final String[] ARGS = {"--bootstrap-servers", "127.0.0.1:9", "--influx-url", "http://127.0.0.1:9"};

  @Test
  void flinkTakesTheTypeFromTheRecordsAnnotation() {
    TypeInformation<KpiPoint> type = TypeInformation.of(KpiPoint.class);
    assertThat(type).isInstanceOf(KpiPointTypeInfo.class);
    assertThat(type.createSerializer(new StreamExecutionEnvironment().getConfig().getSerializerConfig()))
        .isSameAs(KpiPointSerializer.INSTANCE);
    assertThat(CountingOperator.PIPELINE_STATS.getTypeInfo()).isInstanceOf(KpiPointTypeInfo.class);
  }

  /** The serializer's layout may change between releases only while no point is kept in state. */
  @Test
  void theSinkKeepsNoPointsInState() {
    assertThat(SupportsWriterState.class).as("the InfluxDB sink has writer state")
        .matches(c -> !c.isAssignableFrom(InfluxSink.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"surveys", "service", "churn"})
  void theJobsShipPointsWithTheirOwnSerializerWithGenericTypesDisabled(String job) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    switch (job) {
      case "surveys" -> SurveyKpiJob.fromArgs(ARGS).configure(env);
      case "service" -> ServiceKpiJob.fromArgs(ARGS).configure(env);
      default -> ChurnKpiJob.fromArgs(ARGS).configure(env);
    }
    StreamGraph graph = env.getStreamGraph(); // creates every serializer: a generic type would fail here
    List<String> sinkInputs = new ArrayList<>();
    for (StreamNode node : graph.getStreamNodes()) {
      if (node.getOperatorName().contains("InfluxDB")) {
        for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
          sinkInputs.add(in.getClass().getName());
        }
      }
    }
    assertThat(sinkInputs).as("serializers of the InfluxDB sinks' inputs").isNotEmpty()
        .allMatch(KpiPointSerializer.class.getName()::equals);
  }
}
