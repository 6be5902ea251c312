package io.cxmonitor.metrics;

/** What a job did with its input: used, late, invalid, undecodable, duplicate. Cumulative and checkpointed. */
public final class PipelineCounters {
  public long events;
  public long late;
  public long invalid;
  public long undecodable;
  /** Copies of a record already counted (surveys: same response id). Added after the first release. */
  public long duplicates;
  /** Tag values written as "other" by the cardinality guard (one per grouping per record). Added after the first release. */
  public long tagValuesFolded;
  /** Records read with an enum symbol unknown to the job, mapped to the enum's default. Added after the first release. */
  public long unknownSymbols;

  public PipelineCounters() {}

  public void add(PipelineCounters other) {
    events += other.events;
    late += other.late;
    invalid += other.invalid;
    undecodable += other.undecodable;
    duplicates += other.duplicates;
    tagValuesFolded += other.tagValuesFolded;
    unknownSymbols += other.unknownSymbols;
  }
}
