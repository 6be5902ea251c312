package io.cxmonitor.inputs;

import io.cxmonitor.platform.kafka.Decoded;
import io.cxmonitor.platform.kafka.DecodingDeserializer;
import io.cxmonitor.platform.testing.DecodedRecords;
import io.cxmonitor.schemas.CustomerLifecycleEvent;
import io.cxmonitor.schemas.FollowUpDone;
import io.cxmonitor.schemas.InteractionEvent;
import io.cxmonitor.schemas.SurveyResponse;
import io.cxmonitor.schemas.WireFormat;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The jobs' inputs as {@link DecodedRecords}: the same codecs and validation rules as
 * {@link InputSources}, for in-memory sources. Lives in this package because the lifecycle rule is
 * package-private.
 */
public final class TestInputs {
  private TestInputs() {}

  public static DecodedRecords<SurveyResponse> surveys(String topic) {
    return new DecodedRecords<>(topic, new DecodingDeserializer<>(WireFormat::surveys, SurveyValidation::problem,
        TypeInformation.of(new TypeHint<Decoded<SurveyResponse>>() {})), WireFormat::surveys, SurveyResponse::getEventTime);
  }

  public static DecodedRecords<InteractionEvent> interactions(String topic) {
    return new DecodedRecords<>(topic, new DecodingDeserializer<>(WireFormat::interactions, InteractionValidation::problem,
        TypeInformation.of(new TypeHint<Decoded<InteractionEvent>>() {})), WireFormat::interactions, InteractionEvent::getEventTime);
  }

  public static DecodedRecords<CustomerLifecycleEvent> lifecycle(String topic) {
    return new DecodedRecords<>(topic, new DecodingDeserializer<>(WireFormat::lifecycle,
        (e, now) -> InputSources.lifecycleProblem(e, now, EventTimeCheck.DEFAULT),
        TypeInformation.of(new TypeHint<Decoded<CustomerLifecycleEvent>>() {})), WireFormat::lifecycle, CustomerLifecycleEvent::getEventTime);
  }

  /**
   * Follow-up done events, decoded by the real codec. Their validation rule is a lambda inside
   * {@link InputSources#followUpDoneSource} that cannot be reached from here, so this accepts
   * every decodable record: build only good ones with it.
   */
  public static DecodedRecords<FollowUpDone> followUpsDone(String topic) {
    return new DecodedRecords<>(topic, new DecodingDeserializer<>(WireFormat::followUpsDone, (d, now) -> null,
        TypeInformation.of(new TypeHint<Decoded<FollowUpDone>>() {})), WireFormat::followUpsDone, FollowUpDone::getDoneAt);
  }
}
