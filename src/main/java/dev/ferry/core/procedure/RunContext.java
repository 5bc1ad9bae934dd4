package dev.ferry.core.procedure;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.spec.Spec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Everything a step needs: the spec, the servers, the journal, the clock, and a way to ask the operator. */
public final class RunContext {
    private final Spec spec;
    private final Servers servers;
    private final Journal journal;
    private final ConfigLedger ledger;
    private final TrafficSwitch trafficSwitch;
    private final RunOptions options;
    private final Confirmer confirmer;
    private final RunListener listener;
    private final Clock clock;
    private final List<String> warnings = new ArrayList<>();
    private final LagCanary canary;
    private final StopRequest stop = StopRequest.process();
    /** Set once a fence is up (or a role is changing): a signal then waits for the step to finish or abort. */
    private volatile boolean signalsHeld;

    private final Ticker ticker;
    private final FenceGate gate;
    /** The fenced window this run is in, if any: closed with the signals at the end of the step. */
    private volatile FenceGate.Window window;
    /** What lives from one step to a later one (the logical sync's change capture, from the copy to the cutover). */
    private final java.util.Map<Class<?>, AutoCloseable> shared = new java.util.concurrent.ConcurrentHashMap<>();

    public RunContext(Spec spec, Servers servers, Journal journal, TrafficSwitch trafficSwitch, RunOptions options,
            Confirmer confirmer, RunListener listener, Clock clock) {
        this(spec, servers, journal, trafficSwitch, options, confirmer, listener, clock, Ticker.system());
    }

    /** {@code ticker} times every deadline and sleep of the steps; tests pass a fake one. */
    public RunContext(Spec spec, Servers servers, Journal journal, TrafficSwitch trafficSwitch, RunOptions options,
            Confirmer confirmer, RunListener listener, Clock clock, Ticker ticker) {
        this(spec, servers, journal, trafficSwitch, options, confirmer, listener, clock, ticker, FenceGate.unshared());
    }

    /** {@code gate}: the fenced windows this run shares with others (a fleet's pairs), one at a time. */
    public RunContext(Spec spec, Servers servers, Journal journal, TrafficSwitch trafficSwitch, RunOptions options,
            Confirmer confirmer, RunListener listener, Clock clock, Ticker ticker, FenceGate gate) {
        this.gate = gate;
        this.ticker = ticker;
        this.spec = spec;
        this.servers = servers;
        this.journal = journal;
        this.ledger = new ConfigLedger(journal, servers);
        this.trafficSwitch = trafficSwitch;
        this.options = options;
        this.confirmer = confirmer;
        this.listener = listener;
        this.clock = clock;
        this.canary = new LagCanary(spec.name(), servers, journal, listener, ticker);
    }

    /** The heartbeat that measures replication lag; runs from the sync up to the cutover fence. */
    public LagCanary canary() {
        return canary;
    }

    /** The one {@code type} this run shares between its steps, made by {@code make} on first use. */
    public <T extends AutoCloseable> T shared(Class<T> type, java.util.function.Supplier<T> make) {
        return type.cast(shared.computeIfAbsent(type, t -> make.get()));
    }

    /** The shared {@code type} if a step of this process made one; a resume starts without. */
    public <T extends AutoCloseable> java.util.Optional<T> sharedIfPresent(Class<T> type) {
        return java.util.Optional.ofNullable(shared.get(type)).map(type::cast);
    }

    /** Closes everything the steps shared (at the end of a run, however it ended). */
    public void closeShared() {
        for (AutoCloseable c : shared.values()) {
            try {
                c.close();
            } catch (Exception e) {
                warn("could not close " + c + ": " + e.getMessage());
            }
        }
        shared.clear();
    }

    public Spec spec() {
        return spec;
    }

    public Servers servers() {
        return servers;
    }

    public Journal journal() {
        return journal;
    }

    public ConfigLedger ledger() {
        return ledger;
    }

    public TrafficSwitch trafficSwitch() {
        return trafficSwitch;
    }

    public RunOptions options() {
        return options;
    }

    public RunListener listener() {
        return listener;
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Monotonic time for measuring pauses: the wall clock may jump, a pause measurement must not. */
    public long nanos() {
        return ticker.read();
    }

    public Ticker ticker() {
        return ticker;
    }

    public void warn(String message) {
        warnings.add(message);
        journal.append("warning", null, "WARN", java.util.Map.of("message", message));
        listener.warn(message);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Asks before a destructive step unless --yes was given; a "no" stops the run with nothing changed. */
    public void confirm(String question) {
        if (options.yes()) {
            return;
        }
        if (!confirmer.confirm(question)) {
            throw new FerryException(ExitCode.DECLINED, "not confirmed: " + question
                    + " (answer yes, or pass --yes to run without asking)");
        }
    }

    /** The signals the operator sent; see {@link StopRequest}. */
    public StopRequest stop() {
        return stop;
    }

    /**
     * From here to the end of the current step a signal no longer stops the run where it is: a fence is up or a
     * role is changing, and only finishing the step or its abort path leaves the servers in a safe state.
     */
    public void holdSignals() {
        signalsHeld = true;
    }

    /**
     * Right before a fence: waits until no other run sharing this run's {@link FenceGate} is fenced (a safe point:
     * a signal stops the run here, nothing fenced), then holds the signals. The window stays open to the end of the
     * step ({@link #releaseSignals}), so the traffic's move and the old master's release are in it. A shared gate's
     * wait goes into {@code facts} as {@code gateWaitMillis}.
     */
    public void enterFence(String where, java.util.Map<String, Object> facts) {
        FenceGate.Window entered = gate.enter(this, where);
        window = entered;
        if (gate.isShared()) {
            facts.put("gateWaitMillis", entered.waited().toMillis());
        }
    }

    /** Heavy work (a sync, a verify) waits while another run sharing the gate is fenced; see {@link FenceGate}. */
    public void yieldToFences() {
        gate.yieldTo(ticker);
    }

    /** The gate of this run's fenced windows (a fleet's, or the run's own). */
    public FenceGate fenceGate() {
        return gate;
    }

    /** Called between steps: the next step starts with signals stopping it again, and outside any fenced window. */
    public void releaseSignals() {
        signalsHeld = false;
        FenceGate.Window open = window;
        if (open != null) {
            window = null;
            open.close();
        }
    }

    public boolean signalsHeld() {
        return signalsHeld;
    }

    /** A safe point: a signal received so far stops the run here, unless a fence is up. */
    public void stopIfSignalled(String where) {
        if (stop.requested() && !signalsHeld) {
            throw new FerryException(ExitCode.INTERRUPTED, "stopped by " + stop.signalName() + " " + where
                    + " (a safe point: nothing is fenced or paused): ferry resume continues the run, ferry rollback undoes it");
        }
    }

    /** Every wait is a safe point outside a fence: a signal stops the run there rather than after the wait. */
    public void sleep(Duration d) {
        stopIfSignalled("while waiting");
        try {
            ticker.sleep(d.isNegative() ? Duration.ZERO : d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INCOMPLETE, "interrupted: run ferry status, then ferry resume");
        }
    }
}
