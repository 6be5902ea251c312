package io.cxmonitor.service;

import static io.cxmonitor.platform.influx.InfluxSchema.*;

import io.cxmonitor.schemas.CloseReason;
import java.util.List;
import java.util.Locale;

/**
 * The InfluxDB measurements, tags and fields of the service KPI job. Shared tags and fields (window, n, intervals, rate suffixes) are in {@code
 * InfluxSchema}; a rename here fails the dashboards' contract test.
 */
public final class ServiceInfluxNames {
  private ServiceInfluxNames() {}

  // --- service tags ---
  /** Channel of the repeat contact in {@link #MEASUREMENT_REPEAT_PAIRS} ({@link #TAG_CHANNEL} is the earlier contact's). */
  public static final String TAG_TO_CHANNEL = "to_channel";
  public static final List<String> SERVICE_DIMENSION_TAGS = List.of(TAG_CHANNEL, TAG_TEAM, TAG_REGION, TAG_PRIORITY, TAG_PRODUCT);

  // --- cx_frt / cx_ttr: first response time and time to resolution, seconds, from an
  // HdrHistogram (2 significant digits: every percentile within 1 % of the exact one) ---
  public static final String MEASUREMENT_FRT = "cx_frt";
  public static final String MEASUREMENT_TTR = "cx_ttr";
  /** Queue time (queue entry → answer or abandon), counted in the bucket of the queue entry; same fields. */
  public static final String MEASUREMENT_QUEUE_TIME = "cx_queue_time";
  public static final String FIELD_MEAN_S = "mean_s";
  public static final String FIELD_P50_S = "p50_s";
  public static final String FIELD_P90_S = "p90_s";
  public static final String FIELD_P99_S = "p99_s";
  public static final String FIELD_MAX_S = "max_s";

  // --- cx_service: counts and rates; every rate <r> has <r>_pct, <r>_ci_low, <r>_ci_high (Wilson) and <r>_n ---
  public static final String MEASUREMENT_SERVICE = "cx_service";
  public static final String FIELD_OPENED = "opened";
  public static final String FIELD_RESOLVED = "resolved";
  /** Contacts that entered the agent queue (bucket of the entry). */
  public static final String FIELD_QUEUED = "queued";
  /** Contacts abandoned while queued, in the bucket of their queue entry. */
  public static final String FIELD_ABANDONED = "abandoned";
  /** Contacts answered from the queue, in the bucket of their queue entry. */
  public static final String FIELD_ANSWERED = "answered";
  /** Answered within the channel's service-level threshold (numerator of service_level_pct). */
  public static final String FIELD_ANSWERED_IN_SL = "answered_in_sl";
  /** Tickets ended without resolution by a CLOSED event. */
  public static final String FIELD_CLOSED = "closed";
  /** Open tickets closed as stale at the maximum ticket age. */
  public static final String FIELD_CLOSED_STALE = "closed_stale";
  /** Tickets closed by a CLOSED event with this reason ({@code closed_ivr_hangup}, ...; none given = other); they add up to {@link #FIELD_CLOSED}. */
  public static String closedField(CloseReason reason) {
    return "closed_" + reason.name().toLowerCase(Locale.ROOT);
  }
  public static final String FIELD_REOPENED = "reopened";
  public static final String FIELD_CONTACTS = "contacts";
  public static final String FIELD_REPEATS = "repeats";
  public static final String FIELD_REPEATS_SWITCHED = "repeats_switched";
  /** First-contact resolutions (the numerator of fcr_pct; fcr_n is the denominator). */
  public static final String FIELD_FCR_YES = "fcr_yes";
  public static final String FIELD_SELF_SERVED = "self_served";
  public static final String FIELD_SLA_FRT_BREACHES = "sla_frt_breaches";
  public static final String FIELD_SLA_TTR_BREACHES = "sla_ttr_breaches";
  /** First-contact resolution among tickets whose reopen window has passed. */
  public static final String RATE_FCR = "fcr";
  /** Reopened / resolved, among resolved tickets whose outcome is final (as FCR). */
  public static final String RATE_REOPEN = "reopen";
  /** Abandoned while queued / queued contacts that left the queue, both in the bucket of the queue entry. */
  public static final String RATE_ABANDON = "abandon";
  /** Answered within the channel's threshold / queued contacts that left the queue, in the bucket of the queue entry. */
  public static final String RATE_SERVICE_LEVEL = "service_level";
  /** Resolved without an agent / resolved. */
  public static final String RATE_SELF_SERVICE = "self_service";
  /**
   * Backward repeat ("this contact is a repeat"): contacts whose customer had another contact within
   * the repeat window before / contacts of known customers; dated by the contact, final at once.
   */
  public static final String RATE_REPEAT = "repeat";
  /** New contacts of anonymous callers: in neither repeat rate's n, counted apart. */
  public static final String FIELD_ANONYMOUS_CONTACTS = "anonymous_contacts";
  /**
   * Provisional FCR, dated by the first resolution: resolutions by an agent that are first-contact
   * resolutions so far / resolutions by an agent. A later reopen or customer reply shows only in the
   * final {@link #RATE_FCR}.
   */
  public static final String RATE_FCR_PROVISIONAL = "fcr_provisional";
  /** Numerator of fcr_provisional_pct. */
  public static final String FIELD_FCR_PROVISIONAL_YES = "fcr_provisional_yes";
  /** Repeat contacts on another channel than the previous contact / repeat contacts. */
  public static final String RATE_REPEAT_SWITCHED = "repeat_switched";

  // --- cx_repeat_pairs: repeat contacts by (earlier channel, repeat channel); tags window, channel, to_channel ---
  public static final String MEASUREMENT_REPEAT_PAIRS = "cx_repeat_pairs";

  // --- cx_repeat_forward: forward repeat ("this contact was followed by another of the same customer
  // within the repeat window"), the cohort being contacts of known customers dated by the (first)
  // contact. Same tags as cx_service plus status. status=provisional: written with the window, at
  // its end, and rewritten while follow-ups come in (for a day): followed so far / contacts, and
  // open = contacts neither followed nor past their window. status=final: written when the repeat
  // window after the cohort window has passed, at the cohort window's end (so it lines up with the
  // provisional point of the same cohort): followed / contacts, final. ---
  public static final String MEASUREMENT_REPEAT_FORWARD = "cx_repeat_forward";
  public static final String TAG_STATUS = "status";
  public static final String STATUS_PROVISIONAL = "provisional";
  public static final String STATUS_FINAL = "final";
  /** repeat_fwd_pct, _n, _ci_low, _ci_high: followed / contacts of the cohort. */
  public static final String RATE_REPEAT_FORWARD = "repeat_fwd";
  public static final String FIELD_FOLLOWED = "followed";
  /** Provisional only: contacts of the cohort not yet followed whose window has not passed. */
  public static final String FIELD_OPEN_CONTACTS = "open";

  // --- cx_backlog: open tickets, a gauge written every minute per group (no window tag) ---
  public static final String MEASUREMENT_BACKLOG = "cx_backlog";
  public static final String FIELD_OPEN = "open";
}
