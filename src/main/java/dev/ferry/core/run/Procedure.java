package dev.ferry.core.run;

import dev.ferry.core.procedure.Step;
import dev.ferry.core.spec.Sentinel;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.AfterSource;
import dev.ferry.core.steps.ChainBackup;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.cutover.DrainCutover;
import dev.ferry.core.steps.DrainWatch;
import dev.ferry.core.cutover.FailoverCutover;
import dev.ferry.core.cutover.LogicalCutover;
import dev.ferry.core.steps.LogicalCopy;
import dev.ferry.core.steps.PersistRoles;
import dev.ferry.core.steps.PostChecks;
import dev.ferry.core.steps.SentinelForget;
import dev.ferry.core.steps.SentinelWatch;
import dev.ferry.core.steps.Preflight;
import dev.ferry.core.steps.SwitchTraffic;
import dev.ferry.core.steps.SyncFromSource;
import dev.ferry.core.steps.VerifyStep;
import java.util.ArrayList;
import java.util.List;

/** The steps of the seed procedure, in order, for one spec. */
public final class Procedure {
    private Procedure() {
    }

    /** The cutover step for the spec's mode; all three journal under the same name, "cutover". */
    static Step cutover(Spec spec) {
        if (spec.logicalSync()) {
            return new LogicalCutover(); // pause mode only: preflight refuses the others for the logical sync
        }
        return switch (spec.cutover().mode()) {
            case PAUSE -> new Cutover();
            case FAILOVER -> new FailoverCutover();
            case DRAIN -> new DrainCutover();
        };
    }

    public static List<Step> steps(Spec spec) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Preflight());
        steps.add(spec.logicalSync() ? new LogicalCopy() : new SyncFromSource());
        if (spec.backup().isPresent()) {
            steps.add(new ChainBackup());
        }
        add(steps, spec, VerifyStep.beforeCutover());
        boolean moveSentinels = spec.sentinel().action() == Sentinel.Action.MOVE;
        if (moveSentinels) {
            steps.add(new SentinelForget());
        }
        steps.add(cutover(spec));
        steps.add(new SwitchTraffic());
        steps.add(new DrainWatch());
        steps.add(new AfterSource());
        if (moveSentinels) {
            steps.add(new SentinelWatch());
        }
        steps.add(new PersistRoles());
        steps.add(new PostChecks());
        add(steps, spec, VerifyStep.afterCutover());
        add(steps, spec, VerifyStep.followerAfterCutover());
        return steps;
    }

    private static void add(List<Step> steps, Spec spec, VerifyStep verify) {
        if (verify.wanted(spec)) {
            steps.add(verify);
        }
    }
}
