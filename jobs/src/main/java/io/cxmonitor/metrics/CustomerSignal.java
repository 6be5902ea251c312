package io.cxmonitor.metrics;

import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;

/** One input of the per-customer function, from any of the three streams, flattened. */
public final class CustomerSignal {
  /** What arrived. */
  public enum Kind {
    SUBSCRIBED, RENEWED, UPGRADED, DOWNGRADED, CANCELLED, SURVEY, OPENED, AGENT_REPLY, RESOLVED, REOPENED, ABANDONED,
    /** A snapshot of an active subscription (bootstrap), not a new one. Appended: the order is in savepoints. */
    ACTIVE;

    /** From billing (the lifecycle stream), which owns the subscription's plan, region and product. */
    public boolean isLifecycle() {
      return switch (this) {
        case SUBSCRIBED, RENEWED, UPGRADED, DOWNGRADED, CANCELLED, ACTIVE -> true;
        default -> false;
      };
    }
  }

  public Kind kind;
  public String customerId;
  public long time;
  public String ticketId;
  public String plan;
  public long mrr;
  public String region;
  public String product;
  public int priority;
  public Integer nps;
  public Integer csat;
  public Integer ces;

  public CustomerSignal() {}

  /** Null for interaction types the risk score does not use. */
  public static CustomerSignal of(InteractionEvent e) {
    Kind k = switch (e.getEventType()) {
      case OPENED -> Kind.OPENED;
      case AGENT_REPLY -> Kind.AGENT_REPLY;
      case RESOLVED -> Kind.RESOLVED;
      case REOPENED -> Kind.REOPENED;
      case ABANDONED -> Kind.ABANDONED;
      default -> null;
    };
    if (k == null) {
      return null;
    }
    CustomerSignal s = base(k, e.getCustomerId(), e.getEventTime().toEpochMilli(), e.getRegion(), e.getProduct());
    s.ticketId = e.getTicketId();
    s.priority = e.getPriority().ordinal();
    return s;
  }

  public static CustomerSignal of(SurveyResponse r) {
    CustomerSignal s = base(Kind.SURVEY, r.getCustomerId(), r.getEventTime().toEpochMilli(), r.getRegion(), r.getProduct());
    s.ticketId = r.getTicketId();
    s.nps = r.getNps();
    s.csat = r.getCsat();
    s.ces = r.getCes();
    return s;
  }

  /** Null for lifecycle types this job does not know. */
  public static CustomerSignal of(CustomerLifecycleEvent e) {
    Kind k = switch (e.getType()) {
      case SUBSCRIBED -> Kind.SUBSCRIBED;
      case RENEWED -> Kind.RENEWED;
      case UPGRADED -> Kind.UPGRADED;
      case DOWNGRADED -> Kind.DOWNGRADED;
      case CANCELLED -> Kind.CANCELLED;
      case ACTIVE -> Kind.ACTIVE;
      default -> null;
    };
    if (k == null) {
      return null;
    }
    CustomerSignal s = base(k, e.getCustomerId(), e.getEventTime().toEpochMilli(), e.getRegion(), e.getProduct());
    s.plan = e.getPlan();
    s.mrr = e.getMrrMinor();
    return s;
  }

  private static CustomerSignal base(Kind kind, String customer, long time, String region, String product) {
    CustomerSignal s = new CustomerSignal();
    s.kind = kind;
    s.customerId = customer;
    s.time = time;
    s.region = region;
    s.product = product;
    return s;
  }
}
