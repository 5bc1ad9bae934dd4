package dev.ferry.testkit;

import dev.ferry.core.fleet.FleetResult;
import dev.ferry.core.fleet.FleetRunner;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.FleetFile;
import dev.ferry.core.spec.FleetLoader;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Many demos moved as one fleet: N throwaway pairs on loopback (each a {@link Demo}: a, b, c, a dataset, writers
 * following a hook-moved endpoint), one fleet file naming their specs ({@code demo-0}, {@code demo-1}, ...), one
 * state directory, the real {@link FleetRunner}, then each pair's writers' verdict. Closing stops every server
 * and removes every folder.
 */
public final class DemoFleet implements AutoCloseable {
    private final DemoConfig config;
    private final int parallel;
    private final List<Demo> demos = new ArrayList<>();
    private final Path dir;

    public DemoFleet(DemoConfig config, int pairs, int parallel) {
        this.config = config;
        this.parallel = parallel;
        try {
            this.dir = Files.createTempDirectory("ferry-demo-fleet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < pairs; i++) {
            demos.add(new Demo(config));
        }
    }

    public static String pairName(int i) {
        return "demo-" + i;
    }

    /** Servers and datasets, the fleet file, every pair's writers, the fleet run, every pair's verdict. */
    public FleetDemoResult run(Function<Spec, RunListener> listeners, Consumer<String> say) {
        FleetFile fleet = FleetLoader.load(writeFleetFile(startPairs(say)));
        demos.forEach(Demo::startWriters);
        say.accept("writers running: " + demos.size() + " pairs x " + config.writers() + " x " + config.ratePerWriter()
                + " writes/s; moving " + parallel + " pairs at once");
        Path stateDir = dir.resolve("state");
        RunOptions options = new RunOptions(true, false, stateDir, false, "drain".equals(config.mode()));
        long start = System.nanoTime();
        AtomicLong firstPair = new AtomicLong();
        Function<Spec, RunListener> noted = spec -> {
            firstPair.compareAndSet(0, System.nanoTime()); // a pair's listener is made as the pair starts
            return listeners.apply(spec);
        };
        FleetResult result = new FleetRunner(fleet, options, noted, SecretSource.system(), Clock.systemUTC()).run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration beforeFirstPair = firstPair.get() == 0 ? took : Duration.ofNanos(firstPair.get() - start);
        Demo.sleepQuietly(config.writeAfter());
        List<DemoResult> verdicts = new ArrayList<>();
        for (int i = 0; i < demos.size(); i++) {
            verdicts.add(verdict(demos.get(i), fleet.specs().get(i), stateDir));
        }
        return new FleetDemoResult(result, verdicts, took, beforeFirstPair);
    }

    private List<Path> startPairs(Consumer<String> say) {
        List<Path> specs = new ArrayList<>();
        for (int i = 0; i < demos.size(); i++) {
            String name = pairName(i);
            demos.get(i).start(line -> say.accept("[" + name + "] " + line));
            specs.add(demos.get(i).writeSpec(name));
        }
        return specs;
    }

    private Path writeFleetFile(List<Path> specs) {
        Path file = dir.resolve("fleet.yaml");
        String yaml = "specs:\n" + specs.stream().map(s -> "  - \"" + s + "\"\n").collect(Collectors.joining())
                + "parallel: " + parallel + "\non-failure: continue\n";
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The pair's own journal says how its run ended; the writers say what was lost. */
    private static DemoResult verdict(Demo demo, Spec spec, Path stateDir) {
        Journal journal = Journal.open(stateDir, spec.name(), Clock.systemUTC());
        RunResult run = new RunResult(journal.status(), Runner.report(spec, journal));
        return demo.verdict(run, Journal.fileFor(stateDir, spec.name()));
    }

    public List<Demo> demos() {
        return demos;
    }

    @Override
    public void close() {
        demos.forEach(Demo::close);
        Files2.deleteRecursively(dir);
    }
}
