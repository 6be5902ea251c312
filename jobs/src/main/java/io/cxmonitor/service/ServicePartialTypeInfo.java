package io.cxmonitor.service;

import io.cxmonitor.platform.serialization.SingletonTypeInfo;

/** Flink's type of the partials the service job ships to its rolling windows: written by {@link ServicePartialSerializer}. */
final class ServicePartialTypeInfo extends SingletonTypeInfo<ServicePartial> {
  private static final long serialVersionUID = 1L;

  static final ServicePartialTypeInfo INSTANCE = new ServicePartialTypeInfo();

  private ServicePartialTypeInfo() {
    super(ServicePartial.class, ServicePartialSerializer.INSTANCE, "ServicePartial");
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
