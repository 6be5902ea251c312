package io.cxmonitor.tools.generator;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record the simulation publishes: topic, key, the record itself and when it is emitted.
 * {@code emitTime} differs from the event time for out-of-order and late records.
 */
public record GeneratedRecord(String topic, String key, SpecificRecord record, long eventTime, long emitTime) {}
