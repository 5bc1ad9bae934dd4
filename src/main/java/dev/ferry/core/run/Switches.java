package dev.ferry.core.run;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.Switch;
import dev.ferry.core.switching.HookSwitch;
import dev.ferry.core.switching.NoSwitch;
import dev.ferry.core.switching.TrafficSwitch;

/** The traffic switch a spec asks for. */
public final class Switches {
    private Switches() {
    }

    public static TrafficSwitch of(Spec spec) {
        Switch s = spec.switchSpec();
        return switch (s.type()) {
            case NONE -> new NoSwitch();
            case HOOK -> new HookSwitch(s.command(), s.timeout(), spec.specDir(), passwordVariables(spec));
            case KEEPALIVED -> throw new FerryException(ExitCode.BAD_SPEC, spec.specFile().getFileName()
                    + ": switch type keepalived is not available yet: use type: hook with a script that moves the VIP");
        };
    }

    /** The environment variables the spec takes passwords from. */
    static java.util.Set<String> passwordVariables(Spec spec) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        spec.servers().forEach(e -> e.auth().flatMap(a -> a.passwordEnv()).ifPresent(names::add));
        return names;
    }
}
