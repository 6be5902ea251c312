package io.cxmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.tools.generator.CxSimulation;
import io.cxmonitor.tools.generator.GeneratedRecord;
import io.cxmonitor.tools.generator.SimulationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A keyed function whose state serializer replaced Flink's POJO serializer must resume from a
 * savepoint the POJO serializer wrote: half of a generated day of interactions runs with the POJO
 * state, is snapshotted, and the rest runs restored with the new state; the facts must be those of
 * a run with the new state that was never interrupted.
 */
public final class PojoStateMigration {
  private PojoStateMigration() {}

  /** Makes a harness (not yet opened) with the POJO state ({@code pojo}) or the new one. */
  @FunctionalInterface
  public interface Harnesses<K, O> {
    KeyedOneInputStreamOperatorTestHarness<K, InteractionEvent, O> create(boolean pojo) throws Exception;
  }

  /**
   * @param backend "heap" or "rocksdb"
   * @return how many facts the uninterrupted run emitted
   */
  public static <K, O> int assertResumesAsUninterrupted(String backend,
      Harnesses<K, O> harnesses,
      Function<O, String> show) throws Exception {
    List<StreamRecord<InteractionEvent>> input = interactions();
    int half = input.size() / 2;

    var uninterrupted = withBackend(harnesses.create(false), backend);
    uninterrupted.open();
    List<String> expected = feed(uninterrupted, input, show);
    uninterrupted.close();

    var before = withBackend(harnesses.create(true), backend);
    before.open();
    List<String> actual = feed(before, input.subList(0, half), show);
    long watermark = watermarkFor(input.subList(0, half).stream().mapToLong(StreamRecord::getTimestamp).max().orElseThrow());
    OperatorSubtaskState savepoint = before.snapshot(1, watermark);
    before.close();

    var after = withBackend(harnesses.create(false), backend);
    after.initializeState(savepoint);
    after.open();
    after.processWatermark(watermark); // the restored watermark, as a restored job's sources resend it
    actual.addAll(feed(after, input.subList(half, input.size()), show));
    after.close();

    assertThat(actual).containsExactlyElementsOf(expected);
    return expected.size();
  }

  private static <K, O> KeyedOneInputStreamOperatorTestHarness<K, InteractionEvent, O> withBackend(
      KeyedOneInputStreamOperatorTestHarness<K, InteractionEvent, O> h, String backend) {
    StateBackend b = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    h.setStateBackend(b);
    return h;
  }

  /** A day of the generator's interactions, in arrival order (up to 20 s out of order, none late). */
  private static List<StreamRecord<InteractionEvent>> interactions() {
    List<StreamRecord<InteractionEvent>> out = new ArrayList<>();
    CxSimulation sim = new CxSimulation(SimulationConfig.defaults(5, Instant.parse("2026-06-01T00:00:00Z"),
        Duration.ofDays(1)).withRate(4).withDisorder(0.1, Duration.ofSeconds(20), 0).withQueueEvents(true));
    while (sim.hasNext()) {
      GeneratedRecord r = sim.next();
      if (r.record() instanceof InteractionEvent e) {
        out.add(new StreamRecord<>(e, e.getEventTime().toEpochMilli()));
      }
    }
    return out;
  }

  /** The minute-aligned watermark 30 s behind the newest event time {@code max}. */
  private static long watermarkFor(long max) {
    return Math.floorDiv(max - 30_000, 60_000) * 60_000;
  }

  /** Feeds the records with a minute-aligned watermark 30 s behind the newest event; returns the facts emitted. */
  private static <K, O> List<String> feed(KeyedOneInputStreamOperatorTestHarness<K, InteractionEvent, O> h,
      List<StreamRecord<InteractionEvent>> records, Function<O, String> show) throws Exception {
    long max = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    for (StreamRecord<InteractionEvent> r : records) {
      h.processElement(new StreamRecord<>(r.getValue(), r.getTimestamp()));
      max = Math.max(max, r.getTimestamp());
      long next = watermarkFor(max);
      if (next > watermark) {
        watermark = next;
        h.processWatermark(watermark);
      }
    }
    List<String> facts = new ArrayList<>();
    for (O f : h.extractOutputValues()) {
      facts.add(show.apply(f));
    }
    h.getOutput().clear();
    return facts;
  }

  /** {@code value} as {@code serializer} writes it: the tests compare states through these bytes. */
  public static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws java.io.IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(value, out);
    return out.getCopyOfBuffer();
  }
}
