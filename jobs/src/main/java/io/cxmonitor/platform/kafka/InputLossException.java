package io.cxmonitor.platform.kafka;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * Input was deleted from Kafka before the job read it. Not recoverable by a restart: restoring
 * would start after the hole and finish "successfully", so a bounded run fails for good.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class InputLossException extends java.io.IOException {
  private static final long serialVersionUID = 1L;

  public InputLossException(String message) {
    super(message);
  }
}
