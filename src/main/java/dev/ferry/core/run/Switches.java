package dev.ferry.core.run;

import dev.ferry.core.host.Redactor;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.Switch;
import dev.ferry.core.switching.HookSwitch;
import dev.ferry.core.switching.NoSwitch;
import dev.ferry.core.switching.keepalived.KeepalivedSettings;
import dev.ferry.core.switching.keepalived.KeepalivedSwitch;

/** The traffic switch a spec asks for. */
public final class Switches {
    private Switches() {
    }

    /** DEMOTE_FIRST unless -Dferry.keepalived.order=MOVE_FIRST (kept to measure the other order). */
    private static KeepalivedSwitch.Order keepalivedOrder() {
        return KeepalivedSwitch.Order.valueOf(System.getProperty("ferry.keepalived.order", "DEMOTE_FIRST"));
    }

    public static TrafficSwitch of(Spec spec, Servers servers) {
        return of(spec, servers, java.util.Optional.empty());
    }

    /** {@code stateDir}: the run's, where a hook's output is kept ({@link #hookLog}). */
    public static TrafficSwitch of(Spec spec, Servers servers, java.util.Optional<java.nio.file.Path> stateDir) {
        Switch s = spec.switchSpec();
        return switch (s.type()) {
            case NONE -> new NoSwitch();
            case HOOK -> new HookSwitch(s.command(), s.timeout(), spec.specDir(), passwordVariables(spec),
                    stateDir.map(dir -> hookLog(dir, spec)));
            case KEEPALIVED -> new KeepalivedSwitch(KeepalivedSettings.from(spec, Redactor.NONE), servers,
                    keepalivedOrder());
        };
    }

    /** The hook's output, beside the journal: one file per spec, each call of the hook appended. */
    public static java.nio.file.Path hookLog(java.nio.file.Path stateDir, Spec spec) {
        return stateDir.resolve(spec.name() + ".hook.log");
    }

    /** The environment variables the spec takes passwords from. */
    static java.util.Set<String> passwordVariables(Spec spec) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        spec.servers().forEach(e -> e.auth().flatMap(a -> a.passwordEnv()).ifPresent(names::add));
        return names;
    }
}
