package io.cxmonitor.service.repeats;

import io.cxmonitor.functions.RepeatContactFunction.Contact;
import io.cxmonitor.platform.serialization.CompactIo;
import io.cxmonitor.platform.serialization.CompactStateSerializer;
import io.cxmonitor.platform.serialization.PojoMigratingSnapshot;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The repeat-contact state's serializer: a contact in about two thirds of the bytes of Flink's POJO
 * format (which wrote its time as 8 bytes, each flag as a byte, each string with a null marker).
 * Every open ticket is a contact kept for the repeat window, awaiting its forward outcome. Layout (version 1): a flags byte, the time, the ticket id, the
 * dimensions (channel and priority one byte, {@link CompactIo#writeTagValue}). States of earlier
 * savepoints, written by the POJO serializer, migrate ({@link PojoMigratingSnapshot}).
 */
public final class ContactSerializer extends CompactStateSerializer<Contact> {
  private static final long serialVersionUID = 1L;

  public static final ContactSerializer INSTANCE = new ContactSerializer();

  private static final int ANONYMOUS = 1;
  private static final int FOLLOWED = 2;

  private ContactSerializer() {}

  @Override
  public Contact createInstance() {
    return new Contact();
  }

  @Override
  public Contact copy(Contact from) {
    Contact to = new Contact();
    to.at = from.at;
    to.ticketId = from.ticketId;
    to.channel = from.channel;
    to.team = from.team;
    to.region = from.region;
    to.priority = from.priority;
    to.product = from.product;
    to.anonymous = from.anonymous;
    to.followed = from.followed;
    return to;
  }

  @Override
  public void serialize(Contact c, DataOutputView out) throws IOException {
    out.writeByte((c.anonymous ? ANONYMOUS : 0) | (c.followed ? FOLLOWED : 0));
    CompactIo.writeVarLong(out, c.at);
    CompactIo.writeText(out, c.ticketId);
    CompactIo.writeTagValue(out, c.channel);
    CompactIo.writeText(out, c.team);
    CompactIo.writeText(out, c.region);
    CompactIo.writeTagValue(out, c.priority);
    CompactIo.writeText(out, c.product);
  }

  @Override
  public Contact deserialize(DataInputView in) throws IOException {
    int flags = in.readUnsignedByte();
    if ((flags & ~(ANONYMOUS | FOLLOWED)) != 0) {
      throw new IOException("a contact with unknown flags " + flags + ": the data was not written by this serializer");
    }
    Contact c = new Contact();
    c.anonymous = (flags & ANONYMOUS) != 0;
    c.followed = (flags & FOLLOWED) != 0;
    c.at = CompactIo.readVarLong(in);
    c.ticketId = CompactIo.readText(in);
    c.channel = CompactIo.readTagValue(in);
    c.team = CompactIo.readText(in);
    c.region = CompactIo.readText(in);
    c.priority = CompactIo.readTagValue(in);
    c.product = CompactIo.readText(in);
    return c;
  }

  @Override
  public TypeSerializerSnapshot<Contact> snapshotConfiguration() {
    return new Snapshot();
  }

  private Object readResolve() {
    return INSTANCE;
  }

  /** Layout version 1; state of Flink's POJO serializer of {@link Contact} migrates. */
  public static final class Snapshot extends PojoMigratingSnapshot<Contact> {
    public Snapshot() {
      super(Contact.class, () -> INSTANCE, 1);
    }
  }
}
