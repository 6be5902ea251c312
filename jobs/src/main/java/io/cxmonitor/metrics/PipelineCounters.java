package io.cxmonitor.metrics;

/** What a job did with its input: used, late, invalid, undecodable. Cumulative and checkpointed. */
public final class PipelineCounters {
  public long events;
  public long late;
  public long invalid;
  public long undecodable;

  public PipelineCounters() {}

  public void add(PipelineCounters other) {
    events += other.events;
    late += other.late;
    invalid += other.invalid;
    undecodable += other.undecodable;
  }
}
