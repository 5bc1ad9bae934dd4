package dev.ferry.core.switching.keepalived;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.Ticker;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the fast hand-over a is released from FAULT as a backup. If b's adverts do not reach a (a firewall that
 * drops b's outgoing VRRP, IP protocol 112), b still took the VIP after a's priority-0 advert, but a, hearing no
 * master, takes the VIP back once its master-down timer runs out: the VIP would then be on both hosts after ferry
 * reported success. So ferry watches for longer than that timer; if the VIP shows up on a, a goes back to FAULT.
 */
final class VipStaysOnB {
    private static final Logger LOG = LoggerFactory.getLogger(VipStaysOnB.class);
    /** Room for keepalived's reaction to the released handover file and for one slow poll. */
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a back in FAULT may take to drop the VIP (measured: within one poll). */
    private static final Duration FAULT_SETTLE = Duration.ofSeconds(3);

    private final KeepalivedSettings settings;
    private final Ticker ticker;
    /** The host that should keep the VIP (b, or a on the way back) and the one released from FAULT. */
    private final KeepalivedSide holder;
    private final KeepalivedSide released;

    VipStaysOnB(KeepalivedSettings settings, Ticker ticker, KeepalivedSide holder, KeepalivedSide released) {
        this.settings = settings;
        this.ticker = ticker;
        this.holder = holder;
        this.released = released;
    }

    private static String name(KeepalivedSide side) {
        return "source".equals(side.role()) ? "a" : "b";
    }

    /** a's master-down timer as a backup: 3 advert intervals plus its skew time, plus a margin. */
    static Duration window(VrrpInstance a) {
        double advert = a.advertInt();
        // VRRPv2 skew is (256 - priority) / 256 s, VRRPv3 scales it by advert_int: take the larger
        double skew = (256 - a.priority()) / 256.0 * Math.max(1.0, advert);
        return Duration.ofMillis(Math.round((3 * advert + skew) * 1000)).plus(MARGIN);
    }

    /** Returns once the window has passed with the VIP off a; fails with exit 8 when a took it back. */
    void watch() {
        Duration window = window(KeepalivedChecks.instance(released.load(), settings.instance(), name(released)));
        long start = ticker.read();
        long deadline = start + window.toNanos();
        while (ticker.read() < deadline) {
            if (released.holds(settings.vip())) {
                throw tookBack(Duration.ofNanos(ticker.read() - start));
            }
            KeepalivedSwitch.sleep(ticker, POLL);
        }
        LOG.info("VIP {} stayed on {} for {}ms after {} left FAULT", settings.vip(), name(holder), window.toMillis(),
                name(released));
    }

    private FerryException tookBack(Duration after) {
        String from = name(released);
        String to = name(holder);
        released.handover("1");
        boolean left = awaitGoneFromA();
        String file = released.handoverFile().orElseThrow();
        return new FerryException(ExitCode.INCOMPLETE, "keepalived switch: VIP " + settings.vip() + " came back to " + from
                + "'s host " + after.toMillis() + "ms after " + from + " left FAULT: " + to + "'s VRRP adverts do not reach "
                + from + " (IP protocol 112 to 224.0.0.18 dropped between them?); " + from + "'s keepalived is back in FAULT ("
                + file + " says 1)" + (left ? ", the VIP is on " + to + " only" : " but still holds the VIP") + "; " + to
                + " is master and holds every acknowledged write: let " + to + "'s VRRP packets reach " + from
                + ", then ferry " + ("a".equals(to) ? "rollback again" : "resume"));
    }

    private boolean awaitGoneFromA() {
        long deadline = ticker.read() + FAULT_SETTLE.toNanos();
        while (ticker.read() < deadline) {
            if (!released.holds(settings.vip())) {
                return true;
            }
            KeepalivedSwitch.sleep(ticker, POLL);
        }
        return false;
    }
}
