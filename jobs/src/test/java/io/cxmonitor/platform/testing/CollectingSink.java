package io.cxmonitor.platform.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Sink V2 that keeps every record it is given in this JVM, for a test to read after
 * {@code env.execute()} returns. Each sink has its own store (a static registry keyed by a random
 * id, since Flink serializes the sink into the job); {@link #close()} drops it.
 *
 * <p>With object reuse enabled, as the jobs run, an upstream operator may reuse or change a
 * record after handing it on, so the writer keeps a copy made by the input's own serializer.
 */
public final class CollectingSink<T> implements Sink<T>, AutoCloseable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Store> STORES = new ConcurrentHashMap<>();

  private final String id;

  private static final class Store {
    final List<Object> records = new ArrayList<>();
    final List<Watch> watches = new ArrayList<>();
    final List<Gate> gates = new ArrayList<>();
  }

  private record Watch(Predicate<Object> condition, Gate gate) {}

  private CollectingSink() {
    this.id = UUID.randomUUID().toString();
  }

  public static <T> CollectingSink<T> create() {
    CollectingSink<T> sink = new CollectingSink<>();
    STORES.put(sink.id, new Store());
    return sink;
  }

  /** Everything written so far, in the order it arrived. */
  @SuppressWarnings("unchecked")
  public List<T> records() {
    Store store = store();
    synchronized (store) {
      return List.copyOf((List<T>) store.records);
    }
  }

  /**
   * A gate that opens as soon as a record matching {@code condition} is written (at once if one
   * already was). A source waiting for it fails the job if it stays shut for {@code timeout}.
   */
  @SuppressWarnings("unchecked")
  public Gate gateWhen(String description, Predicate<? super T> condition, Duration timeout) {
    Gate gate = Gate.create(description, timeout);
    Predicate<Object> c = r -> condition.test((T) r);
    Store store = store();
    synchronized (store) {
      store.gates.add(gate);
      if (store.records.stream().anyMatch(c)) {
        gate.open();
      } else {
        store.watches.add(new Watch(c, gate));
      }
    }
    return gate;
  }

  @Override
  public void close() {
    Store store = STORES.remove(id);
    if (store != null) {
      synchronized (store) {
        store.gates.forEach(Gate::discard);
      }
    }
  }

  private Store store() {
    Store store = STORES.get(id);
    if (store == null) {
      throw new IllegalStateException("this collecting sink was closed");
    }
    return store;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    TypeSerializer<T> copier = context.isObjectReuseEnabled() ? context.createInputSerializer() : null;
    Store store = store();
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        T kept = copier == null ? element : copier.copy(element);
        synchronized (store) {
          store.records.add(kept);
          store.watches.removeIf(w -> {
            if (w.condition().test(kept)) {
              w.gate().open();
              return true;
            }
            return false;
          });
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
