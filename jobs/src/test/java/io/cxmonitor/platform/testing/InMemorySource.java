package io.cxmonitor.platform.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded FLIP-27 source of given records, emitted in the given order, so the workflow's own
 * watermark strategy and timestamp assigner run on them as on a Kafka partition. Built on
 * {@link DataGeneratorSource} (one split with parallelism 1, which this source requires: with more
 * subtasks the records would be spread over several splits and lose their order).
 *
 * <p>Records can be held back until a {@link Gate} opens ({@link Builder#thenWaitFor}). The wait
 * goes through the source's rate limiter, so the task's mailbox stays free (periodic watermarks,
 * cancellation) while the source waits. Records carry no Kafka timestamp into Flink; the
 * workflows only use it for records they dead-letter before any time-based operator.
 */
public final class InMemorySource {
  private InMemorySource() {}

  /** Index of the next record each running source will emit, by source id (shared by its reader's two halves). */
  private static final Map<String, AtomicLong> NEXT_RECORD = new ConcurrentHashMap<>();

  public static <T> Builder<T> of(TypeInformation<T> type) {
    return new Builder<>(type);
  }

  /** Collects the records in emission order. */
  public static final class Builder<T> {
    private final TypeInformation<T> type;
    private final List<T> records = new ArrayList<>();
    private final HashMap<Long, Gate> waits = new HashMap<>();

    private Builder(TypeInformation<T> type) {
      this.type = type;
    }

    public Builder<T> add(T record) {
      records.add(record);
      return this;
    }

    @SafeVarargs
    public final Builder<T> add(T... more) {
      records.addAll(List.of(more));
      return this;
    }

    /** The records added after this call are emitted only once {@code gate} is open. */
    public Builder<T> thenWaitFor(Gate gate) {
      long next = records.size();
      if (waits.put(next, gate) != null) {
        throw new IllegalStateException("two gates before record " + next);
      }
      return this;
    }

    public Source<T, ?, ?> build() {
      if (records.isEmpty()) {
        throw new IllegalStateException("an in-memory source needs at least one record (a number sequence cannot be empty)");
      }
      long last = records.size() - 1L;
      waits.keySet().forEach(i -> {
        if (i > last) {
          throw new IllegalStateException("a gate after the last record holds nothing back");
        }
      });
      String id = UUID.randomUUID().toString();
      return new DataGeneratorSource<>(
          new GatedElements<>(id, new FromElementsGeneratorFunction<>(type, new ExecutionConfig(), records), waits),
          records.size(), new WaitForGates(id, waits), type);
    }
  }

  /** Turns record indexes into the records; refuses to emit one whose gate has not opened. */
  private static final class GatedElements<T> implements GeneratorFunction<Long, T> {
    private static final long serialVersionUID = 1L;
    private final String id;
    private final FromElementsGeneratorFunction<T> elements;
    private final HashMap<Long, Gate> waits;
    private transient AtomicLong next;

    GatedElements(String id, FromElementsGeneratorFunction<T> elements, HashMap<Long, Gate> waits) {
      this.id = id;
      this.elements = elements;
      this.waits = waits;
    }

    @Override
    public void open(SourceReaderContext context) throws Exception {
      if (context.currentParallelism() != 1) {
        throw new IllegalStateException("an in-memory source keeps its records' order only with parallelism 1, got "
            + context.currentParallelism() + ": run the test with env.setParallelism(1)");
      }
      next = NEXT_RECORD.computeIfAbsent(id, k -> new AtomicLong());
      elements.open(context);
    }

    @Override
    public T map(Long index) throws Exception {
      Gate gate = waits.get(index);
      if (gate != null && !gate.isOpen()) {
        throw new IllegalStateException("record " + index + " waits for '" + gate + "', which did not open within "
            + gate.timeout());
      }
      T record = elements.map(index);
      next.set(index + 1);
      return record;
    }

    @Override
    public void close() throws Exception {
      elements.close();
      NEXT_RECORD.remove(id);
    }
  }

  /**
   * Called by the reader before each poll: holds the poll back while the next record's gate is
   * shut. Asks for the next record's index rather than counting calls, because a poll does not
   * always emit (e.g. before the split has arrived).
   */
  private record WaitForGates(String id, HashMap<Long, Gate> waits) implements RateLimiterStrategy<NumberSequenceSplit> {
    @Override
    public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
      AtomicLong next = NEXT_RECORD.computeIfAbsent(id, k -> new AtomicLong());
      return permits -> {
        Gate gate = waits.get(next.get());
        CompletionStage<Void> ready = gate == null ? CompletableFuture.completedFuture(null) : gate.released();
        return ready;
      };
    }
  }
}
