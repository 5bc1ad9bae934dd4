package dev.ferry.testkit;

import java.util.List;

/**
 * Result of checking acknowledged writes on one server: {@code missing} keys are absent, {@code wrongValue}
 * keys hold something other than their sequence number; {@code missingSample} has up to 10 missing names.
 */
public record LossReport(long checked, long missing, long wrongValue, List<String> missingSample) {

    public LossReport {
        missingSample = List.copyOf(missingSample);
    }

    public long lost() {
        return missing + wrongValue;
    }

    public boolean isClean() {
        return lost() == 0;
    }
}
