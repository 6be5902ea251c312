package io.cxmonitor.bench.jmh;

import io.cxmonitor.inputs.EventTimeCheck;
import io.cxmonitor.inputs.InteractionValidation;
import io.cxmonitor.inputs.SurveyValidation;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The source's per-record work ({@code DecodingDeserializer}): Avro single-object decoding with the
 * jobs' codecs ({@link WireFormat}), and the validation every job applies, one generated record
 * per operation (cycling through the sample).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class InputBenchmark {
  private byte[][] interactionBytes;
  private byte[][] surveyBytes;
  private InteractionEvent[] interactions;
  private SurveyResponse[] surveys;
  private WireFormat.Codec<InteractionEvent> interactionCodec;
  private WireFormat.Codec<SurveyResponse> surveyCodec;
  private long now;
  private int i;

  @Setup
  public void setUp() {
    Samples s = Samples.get();
    interactionBytes = s.interactionBytes;
    surveyBytes = s.surveyBytes;
    interactions = s.interactions.toArray(InteractionEvent[]::new);
    surveys = s.surveys.toArray(SurveyResponse[]::new);
    interactionCodec = WireFormat.interactions();
    surveyCodec = WireFormat.surveys();
    now = System.currentTimeMillis();
    System.out.printf("%n[sizes] single-object encoded: interaction %.1f bytes, survey response %.1f bytes (mean)%n",
        mean(interactionBytes), mean(surveyBytes));
  }

  private static double mean(byte[][] records) {
    return Arrays.stream(records).mapToInt(b -> b.length).average().orElse(0);
  }

  private int next(int n) {
    i = i + 1 == n ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public InteractionEvent decodeInteraction() throws WireFormat.DecodeException {
    return interactionCodec.decode(interactionBytes[next(interactionBytes.length)], null);
  }

  @Benchmark
  public SurveyResponse decodeSurvey() throws WireFormat.DecodeException {
    return surveyCodec.decode(surveyBytes[next(surveyBytes.length)], null);
  }

  @Benchmark
  public String validateInteraction() {
    return InteractionValidation.problem(interactions[next(interactions.length)], now, EventTimeCheck.DEFAULT);
  }

  @Benchmark
  public String validateSurvey() {
    return SurveyValidation.problem(surveys[next(surveys.length)], now, EventTimeCheck.DEFAULT);
  }
}
