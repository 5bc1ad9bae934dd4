package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Instant;

/** The benchmark's few options: {@code --runs N --keys N --writers N --rate N --sync-keys N --out FILE --netns}. */
record BenchArgs(int runs, int keys, int writers, int rate, int syncKeys, Path out, boolean netns) {

    static BenchArgs parse(String[] args) {
        int runs = 20;
        int keys = 2000;
        int writers = 4;
        int rate = 500;
        int syncKeys = 500_000;
        Path out = Path.of("bench/results/cutover-" + Instant.now().toString().replace(':', '-') + ".json");
        boolean netns = java.util.Arrays.asList(args).contains("--netns");
        args = java.util.Arrays.stream(args).filter(a -> !"--netns".equals(a)).toArray(String[]::new);
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--runs" -> runs = positive("--runs", value);
                case "--keys" -> keys = positive("--keys", value);
                case "--writers" -> writers = positive("--writers", value);
                case "--rate" -> rate = positive("--rate", value);
                case "--sync-keys" -> syncKeys = positive("--sync-keys", value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --runs --keys --writers --rate --sync-keys --out --netns)");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
        }
        return new BenchArgs(runs, keys, writers, rate, syncKeys, out, netns);
    }

    private static int positive(String name, String value) {
        int n = Integer.parseInt(value);
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return n;
    }
}
