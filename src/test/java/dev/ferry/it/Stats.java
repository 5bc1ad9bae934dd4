package dev.ferry.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** min / median / max of a series, for the numbers the closing note quotes. */
final class Stats {
    private Stats() {
    }

    static <T extends Number & Comparable<T>> String of(List<T> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        List<T> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2).doubleValue()
                : (sorted.get(n / 2 - 1).doubleValue() + sorted.get(n / 2).doubleValue()) / 2;
        return String.format(Locale.ROOT, "min %.1f / median %.1f / max %.1f (n=%d)", sorted.get(0).doubleValue(), median,
                sorted.get(n - 1).doubleValue(), n);
    }
}
