package org.prune4j.internal.prune.method;

import java.util.Map;
import java.util.Set;

/**
 * A pruning method without settings ({@link MagnitudeMethod}, {@link WandaMethod}): its settings are empty,
 * and a setting a user gives it is an error naming it.
 */
interface SettingFreeMethod extends PruningMethod {
    @Override
    default Map<String, Object> settings() {
        return Map.of();
    }

    /** {@code method}, once {@code options} are checked to hold no setting. */
    static <M extends SettingFreeMethod> M withoutSettings(MethodOptions options, M method) {
        options.allowOnly(Set.of());
        return method;
    }
}
