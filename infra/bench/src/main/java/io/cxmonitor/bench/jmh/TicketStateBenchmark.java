package io.cxmonitor.bench.jmh;

import io.cxmonitor.metrics.TicketState;
import io.cxmonitor.service.tickets.TicketStateSerializer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-ticket state as the service job's state backend handles it: the job's
 * {@link TicketStateSerializer} ({@code compact}) against Flink's POJO serializer that earlier
 * releases used ({@code pojo}), serialize, deserialize and copy of a
 * typical open ticket (replied to, not resolved) and a resolved one, built from generated events.
 * The bytes per state are printed at setup; they are what a full heap snapshot writes per ticket,
 * before the key and the state backend's own framing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TicketStateBenchmark {
  @Param({"open", "resolved"})
  public String ticket;

  @Param({"compact", "pojo"})
  public String format;

  private TypeSerializer<TicketState> serializer;
  private TicketState state;
  private final DataOutputSerializer out = new DataOutputSerializer(512);
  private final DataInputDeserializer in = new DataInputDeserializer();
  private byte[] bytes;

  @Setup
  public void setUp() throws IOException {
    serializer = format.equals("compact") ? TicketStateSerializer.INSTANCE
        : TypeInformation.of(TicketState.class).createSerializer(new SerializerConfigImpl());
    state = ticket.equals("open") ? Samples.get().openTicket : Samples.get().resolvedTicket;
    out.clear();
    serializer.serialize(state, out);
    bytes = out.getCopyOfBuffer();
    System.out.printf("%n[sizes] TicketState (%s ticket) with %s: %d bytes%n", ticket,
        serializer.getClass().getSimpleName(), bytes.length);
  }

  @Benchmark
  public int serialize() throws IOException {
    out.clear();
    serializer.serialize(state, out);
    return out.length();
  }

  @Benchmark
  public TicketState deserialize() throws IOException {
    in.setBuffer(bytes);
    return serializer.deserialize(in);
  }

  @Benchmark
  public TicketState copy() {
    return serializer.copy(state);
  }
}
